import type { AnalysisSubject, AnalyzerRule, HealthcheckConfig } from '../analysis-input.js';
import { composeFix } from '../compose-snippet.js';
import { parseImageReference } from '../image-reference.js';

type Check = 'defined' | 'disabled' | 'inherit';

/** `["NONE"]` switches a check off; no Test (or an empty one) means "the image's". */
function checkOf(config: HealthcheckConfig | null | undefined): Check {
  const test = config?.Test;
  if (!test || test.length === 0) return 'inherit';
  return test[0] === 'NONE' ? 'disabled' : 'defined';
}

/** Probes the well-known images ship with; otherwise an HTTP probe of the first exposed TCP port. */
const KNOWN_PROBES: [RegExp, string][] = [
  [/(^|\/)postgres(ql)?$|postgis/, '["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]'],
  [/(^|\/)mariadb$/, '["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]'],
  [/(^|\/)mysql$/, '["CMD-SHELL", "mysqladmin ping -h 127.0.0.1 --silent"]'],
  [/(^|\/)(redis|valkey)$/, '["CMD", "redis-cli", "ping"]'],
  [/(^|\/)mongo$/, '["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"]'],
];

function probeFor(subject: AnalysisSubject): string {
  const repository = parseImageReference(subject.container.Config.Image).repository;
  const known = KNOWN_PROBES.find(([pattern]) => pattern.test(repository));
  if (known) return known[1];
  const ports = Object.keys({ ...(subject.image?.Config?.ExposedPorts ?? {}), ...(subject.container.Config.ExposedPorts ?? {}) });
  const tcp = ports.find((p) => p.endsWith('/tcp'))?.split('/')[0];
  return `["CMD-SHELL", "wget -q --spider http://127.0.0.1:${tcp ?? '8080'}/ || exit 1"]  # or curl -fsS; any command that fails when the service is broken`;
}

/** Without a health check Docker only knows "the process runs", not "the service works"; restarts and dependants cannot react. */
export const noHealthcheckRule: AnalyzerRule = {
  id: 'no-healthcheck',
  check(subject) {
    const own = checkOf(subject.container.Config.Healthcheck);
    if (own === 'defined') return undefined;
    if (own === 'inherit' && checkOf(subject.image?.Config?.Healthcheck) === 'defined') return undefined;
    const why = own === 'disabled' ? 'has its health check switched off (test: NONE)' : 'has no health check (neither the container nor its image defines one)';
    return {
      severity: 'warning',
      message: `${subject.container.Name.replace(/^\//, '')} ${why}: Docker only sees that the process runs, not that the service answers, so a hung service stays "Up".`,
      fix: composeFix(subject, ['healthcheck:', `  test: ${probeFor(subject)}`, '  interval: 30s', '  timeout: 5s', '  retries: 3', '  start_period: 30s']),
    };
  },
};
