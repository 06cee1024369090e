import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { activeTraceIds } from './sdk.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  instanceId: string;
  level: LevelWithSilent;
  /** Applied to every serialized line: strips secret values. */
  redact: (line: string) => string;
  destination?: DestinationStream;
}

/**
 * JSON logs on stdout. Every line carries the service, the instance and,
 * inside a traced operation, `trace_id`/`span_id`. Secret values are
 * removed from the final serialized line, so nothing a caller logs (message,
 * error, object) can leak them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, instance: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const ids = activeTraceIds();
        return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
      },
      hooks: { streamWrite: options.redact },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
