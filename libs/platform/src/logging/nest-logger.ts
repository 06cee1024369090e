import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@homelab/tracing';

/** Routes Nest's own log calls into the service's pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.logger.info(context(rest), text(message));
  }
  error(message: unknown, ...rest: unknown[]): void {
    const err = message instanceof Error ? message : undefined;
    this.logger.error({ ...context(rest), ...(err ? { err } : {}) }, text(message));
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn(context(rest), text(message));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug(context(rest), text(message));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.trace(context(rest), text(message));
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.logger.fatal(context(rest), text(message));
  }
}

function text(message: unknown): string {
  if (message instanceof Error) return message.message;
  return typeof message === 'string' ? message : JSON.stringify(message);
}

/** Nest passes its context (class name) as the last string argument. */
function context(rest: unknown[]): { context?: string } {
  const last = rest.at(-1);
  return typeof last === 'string' ? { context: last } : {};
}
