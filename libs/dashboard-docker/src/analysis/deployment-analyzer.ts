import type { Finding, FindingSeverity } from '../container-types.js';
import type { AnalysisSubject, AnalyzerRule } from './analysis-input.js';
import { containerName } from './compose-snippet.js';
import { dockerSocketMountedRule } from './rules/docker-socket-mounted.rule.js';
import { latestTagRule } from './rules/latest-tag.rule.js';
import { noHealthcheckRule } from './rules/no-healthcheck.rule.js';
import { noResourceLimitsRule } from './rules/no-resource-limits.rule.js';
import { plainHttpPortRule } from './rules/plain-http-port.rule.js';
import { privilegedRule } from './rules/privileged.rule.js';
import { runsAsRootRule } from './rules/runs-as-root.rule.js';
import { unhealthyRule } from './rules/unhealthy.rule.js';

/** Every rule, most severe kinds first. */
export const ANALYZER_RULES: readonly AnalyzerRule[] = [
  unhealthyRule,
  privilegedRule,
  dockerSocketMountedRule,
  plainHttpPortRule,
  runsAsRootRule,
  noHealthcheckRule,
  noResourceLimitsRule,
  latestTagRule,
];

const SEVERITY_ORDER: Record<FindingSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then by host and container name (stable for the UI). */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.host.localeCompare(b.host) || a.containerName.localeCompare(b.containerName) || a.rule.localeCompare(b.rule);
}

/** The findings of one container (pure: inspect data in, findings out). */
export function analyzeContainer(subject: AnalysisSubject, rules: readonly AnalyzerRule[] = ANALYZER_RULES): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const result = rule.check(subject);
    if (!result) continue;
    findings.push({ host: subject.host, containerId: subject.container.Id, containerName: containerName(subject), rule: rule.id, ...result });
  }
  return findings.sort(compareFindings);
}
