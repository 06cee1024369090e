import { z } from 'zod';
import type { AlertListState, CatalogSourceBody } from '@homelab/dashboard-api';
import { describeIssues, DomainError, DomainErrorKind } from '@homelab/contracts';
import { HISTORY_RANGES, type HistoryRange } from './monitor-result.repository.js';

export class MonitorsRequestInvalidError extends DomainError {
  constructor(message: string) {
    super(DomainErrorKind.Invalid, 'REQUEST_INVALID', message);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new MonitorsRequestInvalidError(`Invalid ${what}: ${describeIssues(result.error)}`);
  return result.data;
}

const alertsQuery = z.object({ state: z.enum(['open', 'all'], { error: 'must be open or all' }).default('open') });
const historyQuery = z.object({
  range: z.enum(Object.keys(HISTORY_RANGES) as [HistoryRange, ...HistoryRange[]], { error: 'must be 24h, 7d or 30d' }).default('24h'),
});
/** `PUT /api/catalog/source` (`CatalogSourceBody` of @homelab/dashboard-api). */
export const catalogSourceBody = z.object({ yaml: z.string({ error: 'must be the catalog\'s YAML text' }).max(1024 * 1024, 'must be at most 1 MiB') }).strict();

export const parseAlertsQuery = (query: unknown): { state: AlertListState } => parseWith(alertsQuery, query, 'query');
export const parseHistoryQuery = (query: unknown): { range: HistoryRange } => parseWith(historyQuery, query, 'query');
export const parseCatalogSourceBody = (body: unknown): CatalogSourceBody => parseWith(catalogSourceBody, body, 'request body');
