import type { Logger } from '@homelab/tracing';

/** The slice of the service's pino logger the Docker features use. */
export type DockerLogger = Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;

/** For tests and tools that do not want logs. */
export const silentDockerLogger: DockerLogger = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
} as unknown as DockerLogger;
