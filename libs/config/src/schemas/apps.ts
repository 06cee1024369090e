import { z } from 'zod';
import { positiveInt, variable } from '../variable.js';
import type { ServiceName } from '@homelab/contracts';
import { commonVariables } from './common.js';
import { dashboardConfig } from './dashboard.js';

export { dashboardConfig };

export const jarvisGuardConfig = z.object({
  ...commonVariables('jarvis-guard'),
  GUARD_POLICY_FILE: variable(z.string().min(1).optional(), {
    description: 'Policy YAML that judges every command; the documented default ships in `apps/jarvis-guard/policy/`.',
  }),
  GUARD_APPROVAL_TTL_MS: variable(positiveInt(15 * 60_000, 24 * 3_600_000), {
    description: 'How long a command waits for a human decision before the approval expires.',
  }),
  GUARD_RATE_PER_MINUTE: variable(positiveInt(30, 10_000), {
    description: 'Commands a caller may submit per minute (token bucket, shared by all replicas).',
  }),
  GUARD_SESSION_RATE_PER_MINUTE: variable(positiveInt(20, 10_000), {
    description: 'Commands one session (conversation) may submit per minute.',
  }),
  GUARD_MAX_CONSECUTIVE_DENIALS: variable(positiveInt(5, 1000), {
    description: 'Denied commands in a row after which a session is suspended until an operator resumes it.',
  }),
  GUARD_HOSTS_FILE: variable(z.string().min(1).optional(), {
    description: 'YAML list of SSH hosts commands may run on (name, host, port, username, hostKeySha256, privateKeySecret); the guard\'s own machine is always `local`.',
  }),
  GUARD_COMMAND_TIMEOUT_MS: variable(positiveInt(60_000, 600_000), {
    description: 'Default limit on one command; afterwards its whole process tree is killed.',
  }),
  GUARD_OUTPUT_LIMIT_BYTES: variable(positiveInt(65_536, 131_072), {
    description: 'Cap on a command\'s stdout and stderr together; the rest is discarded and the result marked truncated.',
  }),
  GUARD_AUDIT_SIGNING_KEY: variable(z.string().min(1).optional(), {
    description: 'Ed25519 private key (PEM or base64) that signs the audit chain head, kept in NATS KV apart from the table.',
    sensitive: true,
  }),
  GUARD_AUDIT_HEAD_INTERVAL_MS: variable(positiveInt(60_000, 3_600_000), {
    description: 'How often the audit chain head is signed.',
  }),
  GUARD_APPROVER_TOKENS: variable(z.string().min(1).optional(), {
    description: 'Bearer tokens of the people who may approve over HTTP: `name:token[,name:token…]`. Unset: the approval API refuses every call.',
    sensitive: true,
    example: 'alice:<32+ random characters>',
  }),
});
export const streamBotConfig = z.object({ ...commonVariables('stream-bot') });
export const discordBotConfig = z.object({ ...commonVariables('discord-bot') });
export const automationConfig = z.object({ ...commonVariables('automation') });

export type DashboardConfig = z.output<typeof dashboardConfig>;
export type JarvisGuardConfig = z.output<typeof jarvisGuardConfig>;
export type StreamBotConfig = z.output<typeof streamBotConfig>;
export type DiscordBotConfig = z.output<typeof discordBotConfig>;
export type AutomationConfig = z.output<typeof automationConfig>;

/** Every service's schema, for docs and deployment checks. */
export const configSchemas = {
  dashboard: dashboardConfig,
  'jarvis-guard': jarvisGuardConfig,
  'stream-bot': streamBotConfig,
  'discord-bot': discordBotConfig,
  automation: automationConfig,
} satisfies Record<ServiceName, z.ZodObject>;

/** The part of the configuration the shared platform code relies on. */
export type ServiceConfig = z.output<z.ZodObject<ReturnType<typeof commonVariables>>>;

const tracingVariables = z.object(commonVariables('dashboard')).pick({ TRACING_ENABLED: true, OTEL_EXPORTER_OTLP_ENDPOINT: true });

/** The two tracing variables, read before anything else loads (tracing must start first). */
export function tracingSettings(env: Readonly<Record<string, string | undefined>>): {
  enabled: boolean;
  otlpEndpoint: string | undefined;
} {
  const parsed = tracingVariables.safeParse({
    TRACING_ENABLED: env['TRACING_ENABLED'] || undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: env['OTEL_EXPORTER_OTLP_ENDPOINT'] || undefined,
  });
  // a bad value is reported by the full configuration check a moment later
  if (!parsed.success) return { enabled: false, otlpEndpoint: undefined };
  return { enabled: parsed.data.TRACING_ENABLED, otlpEndpoint: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT };
}
