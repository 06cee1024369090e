export interface HttpCheckSpec {
  kind: 'http';
  url: string;
  /** Statuses that count as up; empty = any 2xx or 3xx. */
  expectStatus: number[];
  /** Text the body must contain. */
  expectText: string | null;
  /** False = the operator's explicit opt-out for a self-signed certificate; the service is then at best `degraded`. */
  verifyTls: boolean;
}

export interface TcpCheckSpec {
  kind: 'tcp';
  host: string;
  port: number;
}

export interface ContainerCheckSpec {
  kind: 'container';
  container: string;
  /** Docker host name from DOCKER_HOSTS; null = the default host. */
  host: string | null;
}

export type CheckSpec = HttpCheckSpec | TcpCheckSpec | ContainerCheckSpec;

/** One valid catalog entry; `id` is the slug of its name, stable across edits of everything else. */
export interface CatalogEntry {
  id: string;
  name: string;
  group: string | null;
  url: string | null;
  description: string | null;
  check: CheckSpec;
}

/** Something wrong in the catalog file; `index` is the entry's position, null for the file as a whole. */
export type { CatalogProblem } from '@homelab/dashboard-api';

/** What the check targets, for display: a URL, `host:port` or `dockerhost/container`. */
export function checkTarget(check: CheckSpec): string {
  switch (check.kind) {
    case 'http':
      return check.url;
    case 'tcp':
      return `${check.host.includes(':') ? `[${check.host}]` : check.host}:${check.port}`;
    case 'container':
      return `${check.host ?? '(default host)'}/${check.container}`;
  }
}
