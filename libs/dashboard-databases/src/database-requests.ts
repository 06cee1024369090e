import { z } from 'zod';
import { describeIssues } from '@homelab/contracts';
import { scheduleProblem } from './backup-schedule.js';
import { DATABASE_ENGINES } from './database.types.js';
import { DatabaseRequestInvalidError } from './database-errors.js';
import { DATABASE_NAME_PATTERN, DATABASE_NAME_RULE } from './database-naming.js';

const schedule = z
  .string()
  .trim()
  .max(100)
  .superRefine((value, context) => {
    const problem = scheduleProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `not a five-field cron schedule (${problem})` });
  });

const retention = z.number().int().min(1).max(1000);

export const createDatabaseRequest = z.strictObject({
  name: z.string().regex(DATABASE_NAME_PATTERN, DATABASE_NAME_RULE),
  engine: z.enum(DATABASE_ENGINES),
  host: z.string().min(1).max(64).optional(),
  /** Omitted: Docker picks a free port. */
  hostPort: z.number().int().min(1).max(65_535).optional(),
  /** The host address the port is published on; default 127.0.0.1 (this host only). */
  bindAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** null: no scheduled backups; omitted: DATABASE_BACKUP_SCHEDULE. */
  backupSchedule: schedule.nullable().optional(),
  backupRetention: retention.optional(),
});
export type CreateDatabaseRequest = z.infer<typeof createDatabaseRequest>;

export const updateDatabaseRequest = z
  .strictObject({ backupSchedule: schedule.nullable().optional(), backupRetention: retention.optional() })
  .refine((body) => body.backupSchedule !== undefined || body.backupRetention !== undefined, { message: 'send backupSchedule and/or backupRetention' });
export type UpdateDatabaseRequest = z.infer<typeof updateDatabaseRequest>;

export const deleteDatabaseRequest = z.strictObject({
  confirm: z.string().max(100).optional(),
  /** Also delete the data volume (the data is gone for good, backups aside). */
  removeVolume: z.boolean().optional(),
  /** Also delete the backup files; otherwise they stay in BACKUP_DIR/<name>/. */
  removeBackups: z.boolean().optional(),
});
export type DeleteDatabaseRequest = z.infer<typeof deleteDatabaseRequest>;

export const restoreDatabaseRequest = z.strictObject({
  backupId: z.uuid(),
  confirm: z.string().max(100).optional(),
});
export type RestoreDatabaseRequest = z.infer<typeof restoreDatabaseRequest>;

/** Parses a request body; 400 DATABASE_REQUEST_INVALID naming the field otherwise. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new DatabaseRequestInvalidError(describeIssues(result.error), {
    issues: result.error.issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  });
}
