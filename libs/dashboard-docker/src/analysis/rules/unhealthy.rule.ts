import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName } from '../compose-snippet.js';

const MAX_OUTPUT = 200;

/** Docker's health check fails: the service does not work, whatever `Up` says. */
export const unhealthyRule: AnalyzerRule = {
  id: 'unhealthy',
  check(subject) {
    const health = subject.container.State?.Health;
    if (subject.container.State?.Running === false || health?.Status !== 'unhealthy') return undefined;
    const last = health.Log?.at(-1)?.Output?.trim().replace(/\s+/g, ' ') ?? '';
    const output = last.length > MAX_OUTPUT ? `${last.slice(0, MAX_OUTPUT)}…` : last;
    const name = containerName(subject);
    const test = subject.container.Config.Healthcheck?.Test;
    const testLine = test && test.length > 0 && test[0] !== 'NONE' ? JSON.stringify(test) : '["CMD-SHELL", "<the check>"]';
    return {
      severity: 'critical',
      message: `${name} is unhealthy: its health check failed ${health.FailingStreak ?? 1} time(s) in a row${output ? ` (last output: "${output}")` : ''}.`,
      fix: [
        `Look at the service first: docker logs --tail 100 ${name}. If the service is fine and only slow to start or answer, give the check more room:`,
        composeFix(subject, ['healthcheck:', `  test: ${testLine}`, '  timeout: 10s', '  retries: 5', '  start_period: 60s']),
      ].join('\n'),
    };
  },
};
