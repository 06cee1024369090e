import { createLogger, type Logger } from '@homelab/tracing';

export interface CapturedLog {
  level: string;
  msg: string;
  [key: string]: unknown;
}

/** A real pino logger whose lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const logger = createLogger({
    service: 'dashboard-metrics-spec',
    instanceId: 'spec',
    level: 'debug',
    redact: (line) => line,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as CapturedLog) },
  });
  return { logger, lines };
}

export const silentLogger: Logger = createLogger({ service: 'dashboard-metrics-spec', instanceId: 'spec', level: 'silent', redact: (l) => l });
