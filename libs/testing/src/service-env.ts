import { freePort } from './ports.js';

export interface ServiceEnvOptions {
  databaseUrl: string;
  natsUrl: string;
  subjectPrefix: string;
  port?: number;
  extra?: Record<string, string>;
}

/** Environment for starting a service in a test: its own port, database and subject prefix, quiet logs. */
export async function serviceTestEnv(options: ServiceEnvOptions): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(options.port ?? (await freePort())),
    NATS_URL: options.natsUrl,
    NATS_SUBJECT_PREFIX: options.subjectPrefix,
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_MAX: '4',
    HEARTBEAT_INTERVAL_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.extra,
  };
}
