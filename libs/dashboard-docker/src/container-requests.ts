import { z } from 'zod';
import { describeIssues, DomainError, DomainErrorKind } from '@homelab/contracts';
import type { RemoveOptions } from './container-actions.js';
import type { LogsOptions } from './container-logs.js';

/** A query string or body the containers API cannot use (400, naming the field). */
export class ContainerRequestInvalidError extends DomainError {
  constructor(message: string) {
    super(DomainErrorKind.Invalid, 'INVALID_INPUT', message);
  }
}

const MAX_TAIL = 10_000;

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const logsQuery = z.object({
  tail: z
    .union([z.literal('all'), z.string().regex(/^\d+$/, `must be a number of lines (0-${MAX_TAIL}) or "all"`)])
    .optional()
    .transform((v): number | 'all' => (v === undefined ? 200 : v === 'all' ? 'all' : Math.min(Number(v), MAX_TAIL))),
  follow: flag(true),
  timestamps: flag(true),
});

const hostQuery = z.object({ host: z.string().min(1, 'must name a Docker host').max(64).optional() });

/** `DELETE /api/containers/:host/:id` (`RemoveContainerBody` of @homelab/dashboard-api). */
export const removeBody = z
  .object({
    confirm: z.string().max(256).optional(),
    force: z.boolean().optional(),
    removeVolumes: z.boolean().optional(),
  })
  .strict();

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new ContainerRequestInvalidError(`Invalid ${what}: ${describeIssues(result.error)}`);
  return result.data;
}

/** `?tail=200&follow=true&timestamps=true` (the defaults). */
export function parseLogsQuery(query: unknown): LogsOptions {
  // other parameters (a cache buster) are ignored
  const { tail, follow, timestamps } = parse(logsQuery.passthrough(), query, 'query string');
  return { tail, follow, timestamps };
}

/** `?host=` of the list and the analysis. */
export function parseHostQuery(query: unknown): string | undefined {
  return parse(hostQuery.passthrough(), query, 'query string').host;
}

/** `{ confirm, force?, removeVolumes? }`; a missing `confirm` is left to the 409 CONFIRMATION_REQUIRED check. */
export function parseRemoveBody(body: unknown): RemoveOptions {
  const { confirm, force, removeVolumes } = parse(removeBody, body, 'request body');
  return { confirm, force: force === true, removeVolumes: removeVolumes === true };
}
