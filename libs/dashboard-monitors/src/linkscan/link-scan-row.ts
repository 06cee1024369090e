import type { LinkScan, LinkScanState } from '../domains/domain.types.js';

export interface LinkScanRow {
  id: string;
  status: LinkScanState;
  started_at: Date;
  finished_at: Date | null;
  pages: number;
  links: number;
  broken_count: number;
  error: string | null;
}

/** Columns of link_scan as a LinkScanRow, for a table aliased `s`. */
export const LINK_SCAN_COLUMNS =
  's.id, s.status, s.started_at, s.finished_at, s.pages, s.links, jsonb_array_length(s.broken)::int as broken_count, s.error';

export function toLinkScan(row: LinkScanRow): LinkScan {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    pages: row.pages,
    links: row.links,
    brokenCount: row.broken_count,
    error: row.error,
  };
}
