import { z } from 'zod';
import { MetricsQueryInvalidError } from '../host-metrics-errors.js';
import { HISTORY_RANGES, type HistoryRange } from '../host-sample.js';

const host = z
  .string({ error: 'must be a host name' })
  .trim()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(/^[^\s\p{Cc}]+$/u, 'must not contain spaces or control characters')
  .optional();

const hostQuery = z.object({ host });
const historyQuery = z.object({
  range: z.enum(HISTORY_RANGES, { error: `must be one of ${HISTORY_RANGES.join(', ')}` }),
  host,
});

/** `?host=` of /current and /stream. */
export function parseHostQuery(query: unknown): { host?: string } {
  return parse(hostQuery, query);
}

/** `?range=…&host=…` of /history; a missing or unknown range names the allowed values. */
export function parseHistoryQuery(query: unknown): { range: HistoryRange; host?: string } {
  return parse(historyQuery, query);
}

function parse<T>(schema: z.ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'query';
  const message = `Query parameter "${field}" ${issue?.message ?? 'is invalid'}`;
  throw new MetricsQueryInvalidError(field, message, field === 'range' ? HISTORY_RANGES : undefined);
}
