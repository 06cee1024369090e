import { z } from 'zod';
import { positiveInt, variable } from '../variable.js';
import type { ServiceName } from '@homelab/contracts';
import { commonVariables } from './common.js';

export const dashboardConfig = z.object({
  ...commonVariables('dashboard'),
  SERVICES_HEALTH_TIMEOUT_MS: variable(positiveInt(2000, 30_000), {
    description: 'How long `/api/services` waits for each service to answer its health request.',
  }),
});

export const jarvisGuardConfig = z.object({ ...commonVariables('jarvis-guard') });
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
