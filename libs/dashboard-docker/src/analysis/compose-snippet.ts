import type { AnalysisSubject } from './analysis-input.js';

const COMPOSE_SERVICE = 'com.docker.compose.service';

/** The compose service name of the container (its own name when not started by compose). */
export function serviceName(subject: AnalysisSubject): string {
  return subject.container.Config.Labels?.[COMPOSE_SERVICE] ?? containerName(subject);
}

export function containerName(subject: AnalysisSubject): string {
  return subject.container.Name.replace(/^\//, '');
}

/** A compose fragment for the container's service: `lines` are indented under the service. */
export function composeFix(subject: AnalysisSubject, lines: readonly string[], trailer: readonly string[] = []): string {
  return ['services:', `  ${serviceName(subject)}:`, ...lines.map((l) => `    ${l}`), ...trailer].join('\n');
}
