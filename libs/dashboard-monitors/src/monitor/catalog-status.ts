import type { CatalogProblem } from '../catalog/catalog-entry.js';

/** One catalog service as the API shows it. */
export interface CatalogStatus {
  id: string;
  name: string;
  group: string | null;
  url: string | null;
  description: string | null;
  check: { kind: 'http' | 'tcp' | 'container'; target: string };
  status: 'up' | 'degraded' | 'down' | 'unknown';
  responseMs: number | null;
  error: string | null;
  lastCheckedAt: string | null;
  uptime24h: number | null;
  uptime7d: number | null;
}

export interface CatalogView {
  file: string | null;
  loadedAt: string | null;
  entries: CatalogStatus[];
  problems: CatalogProblem[];
}
