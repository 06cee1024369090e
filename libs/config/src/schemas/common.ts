import { z } from 'zod';
import { services, type ServiceName } from '@homelab/contracts';
import { booleanFlag, natsServers, port, positiveInt, url, variable } from '../variable.js';

/** Variables every service reads. Each app extends this with its own. */
export function commonVariables(service: ServiceName) {
  return {
    NODE_ENV: variable(z.enum(['development', 'production', 'test']).default('production'), {
      description: 'Conventional Node.js runtime mode, read by libraries; `npm start` runs in `development`.',
    }),
    LOG_LEVEL: variable(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), {
      description: 'Minimum level of the JSON log lines written to stdout.',
    }),
    HTTP_HOST: variable(z.string().min(1).default('127.0.0.1'), {
      description: 'Address the HTTP server binds to (`0.0.0.0` inside containers).',
    }),
    HTTP_PORT: variable(port(services[service].defaultHttpPort), {
      description: `HTTP port for the API, \`/health\` and \`/metrics\` (default ${services[service].defaultHttpPort}).`,
    }),
    NATS_URL: variable(natsServers.default(['nats://127.0.0.1:4222']), {
      description: 'Comma-separated NATS server URLs.',
      example: 'nats://nats-1:4222,nats://nats-2:4222',
    }),
    NATS_USER: variable(z.string().min(1).optional(), { description: 'NATS user name, if the server requires one.' }),
    NATS_PASSWORD: variable(z.string().min(1).optional(), {
      description: 'NATS password (also `NATS_PASSWORD_FILE` or Vault).',
      sensitive: true,
    }),
    NATS_SUBJECT_PREFIX: variable(
      z
        .string()
        .regex(/^([A-Za-z0-9_-]+\.)*$/, 'must be empty or dot-terminated tokens such as "lab1."')
        .default(''),
      { description: 'Prefix on every subject, to share one NATS between installs (or test runs).' },
    ),
    NATS_REQUEST_TIMEOUT_MS: variable(positiveInt(5000, 120_000), {
      description: 'Default timeout of a NATS request when its contract sets none.',
    }),
    DATABASE_URL: variable(url(['postgres', 'postgresql']), {
      description: "PostgreSQL URL of this service's own database (`npm start` points it at the embedded one).",
      sensitive: true,
      example: `postgresql://homelab@db:5432/${service.replace(/-/g, '_')}`,
    }),
    DATABASE_POOL_MAX: variable(positiveInt(10, 200), { description: 'Maximum PostgreSQL connections in the pool.' }),
    TRACING_ENABLED: variable(booleanFlag(true), { description: 'Create OpenTelemetry spans and propagate trace context.' }),
    OTEL_EXPORTER_OTLP_ENDPOINT: variable(url(['http', 'https']).optional(), {
      description: 'OTLP/HTTP collector to export spans to; unset keeps spans in-process (trace ids still in logs).',
    }),
    HEARTBEAT_INTERVAL_MS: variable(positiveInt(5000, 60_000), {
      description: 'How often the service announces itself on NATS.',
    }),
    SHUTDOWN_TIMEOUT_MS: variable(positiveInt(10_000, 60_000), {
      description: 'Longest graceful shutdown before the process exits anyway.',
    }),
    VAULT_ADDR: variable(url(['http', 'https']).optional(), {
      description: 'HashiCorp Vault address; when set, sensitive variables not in env or files are read from Vault KV v2.',
    }),
    VAULT_TOKEN: variable(z.string().min(1).optional(), {
      description: 'Vault token (use `VAULT_TOKEN_FILE` in production).',
      sensitive: true,
    }),
    VAULT_KV_MOUNT: variable(z.string().min(1).default('secret'), { description: 'Mount path of the KV v2 engine.' }),
    VAULT_SECRET_PATH: variable(z.string().min(1).default(`homelab/${service}`), {
      description: "Path of this service's secret inside the mount; its fields are variable names.",
    }),
    VAULT_CACERT: variable(z.string().min(1).optional(), {
      description: 'PEM file of the CA that signed Vault\'s certificate (TLS is always verified).',
    }),
    DATA_ENCRYPTION_KEYS: variable(z.string().min(1).optional(), {
      description:
        'Keys for encryption at rest: `kid:base64key[,kid:base64key…]`, first is active; 32-byte keys. Required once a service stores secrets.',
      sensitive: true,
      example: 'k2026:<32 random bytes, base64>',
    }),
  };
}
