import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DatabaseError, DatabaseErrorCode } from '../database-error.js';
import { openSession, type DatabaseTarget } from '../pool/database-target.js';
import { scriptMatchesChecksum } from './checksum.js';
import { readMigrationFiles, type MigrationFile } from './migration-files.js';

export type ApplyMigrationsOptions = (
  | { connectionString: string; pool?: never }
  | { pool: pg.Pool; connectionString?: never }
) & {
  /** `apps/<app>/prisma/migrations`. */
  migrationsDir: string;
  /** One line per event (waiting for the lock, applying, applied). */
  log?: (line: string) => void;
  /** How long to wait for another process's migration run. Default 60 s. */
  lockTimeoutMs?: number;
};

export interface ApplyMigrationsResult {
  /** Names applied by this call, in order. */
  applied: string[];
  /** How many migrations of the directory were applied before this call. */
  alreadyApplied: number;
}

/**
 * The key Prisma Migrate passes to `pg_advisory_lock` (prisma-engines,
 * postgres flavour), so this applier and `prisma migrate deploy` never run
 * at the same time either.
 */
export const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

/** `_prisma_migrations` exactly as Prisma Migrate creates it (prisma-engines, postgres flavour). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

/**
 * Applies the pending migrations of a Prisma Migrate directory and records
 * them in `_prisma_migrations` the way `prisma migrate deploy` does, so a
 * machine with the Prisma CLI sees the same history.
 *
 * Runs under Prisma's advisory lock, so replicas starting together apply
 * each migration once. Each migration runs in its own transaction together
 * with its history row: a failing migration leaves neither schema changes nor
 * a row behind, and the next start retries it. Refuses to run (naming the
 * migration) when an applied migration's file changed, or when the history
 * holds a failed migration that was never resolved (Prisma's P3009).
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const files = await readMigrationFiles(options.migrationsDir);
  const target: DatabaseTarget = options.pool ?? options.connectionString;
  const log = options.log ?? (() => undefined);
  const session = await openSession(target);
  let broken = false;
  try {
    await acquireLock(session.client, options.lockTimeoutMs ?? 60_000, log);
    try {
      return await applyPending(session.client, files, log);
    } finally {
      // if unlocking fails, closing the connection releases the lock
      await session.client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]).catch(() => (broken = true));
    }
  } catch (error) {
    broken ||= !(error instanceof DatabaseError);
    throw error;
  } finally {
    await session.end(broken);
  }
}

async function acquireLock(client: pg.ClientBase, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    PRISMA_MIGRATE_ADVISORY_LOCK,
  ]);
  if (rows[0]?.locked) return;
  log('Waiting for the migration lock (another process is migrating this database)');
  // lock_timeout bounds the wait for advisory locks too
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') {
      throw new DatabaseError(DatabaseErrorCode.LockTimeout, `Timed out after ${timeoutMs} ms waiting for the migration lock`, undefined, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await client.query('RESET lock_timeout');
  }
}

async function applyPending(client: pg.ClientBase, files: MigrationFile[], log: (line: string) => void): Promise<ApplyMigrationsResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, started_at, logs FROM _prisma_migrations ORDER BY started_at',
  );
  assertNoFailedMigration(rows);
  const applied = new Map(rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => [row.migration_name, row]));
  assertUnchanged(files, applied);

  const pending = files.filter((file) => !applied.has(file.name));
  const appliedNow: string[] = [];
  for (const file of pending) {
    log(`Applying migration ${file.name}`);
    if (await applyOne(client, file)) appliedNow.push(file.name);
  }
  if (appliedNow.length > 0) log(`Applied ${appliedNow.length} migration(s)`);
  return { applied: appliedNow, alreadyApplied: files.length - appliedNow.length };
}

function assertNoFailedMigration(rows: MigrationRow[]): void {
  const failed = rows.find((row) => !row.finished_at && !row.rolled_back_at);
  if (!failed) return;
  const firstLogLine = failed.logs?.split('\n').find((line) => line.trim() !== '');
  throw new DatabaseError(
    DatabaseErrorCode.FailedMigrationPresent,
    `Migration ${failed.migration_name} started at ${failed.started_at.toISOString()} and failed` +
      `${firstLogLine ? ` (${firstLogLine.trim()})` : ''}; no further migrations are applied until it is resolved ` +
      `(fix the database, then \`prisma migrate resolve --rolled-back ${failed.migration_name}\` or \`--applied\`)`,
    failed.migration_name,
  );
}

function assertUnchanged(files: MigrationFile[], applied: Map<string, MigrationRow>): void {
  for (const file of files) {
    const row = applied.get(file.name);
    if (row && !scriptMatchesChecksum(file.script, row.checksum)) {
      throw new DatabaseError(
        DatabaseErrorCode.ChecksumMismatch,
        `Migration ${file.name} was modified after it was applied (checksum ${file.checksum}, ` +
          `recorded ${row.checksum}); restore its migration.sql and put the change in a new migration`,
        file.name,
      );
    }
  }
}

/**
 * One migration and its history row in one transaction; the row's fields as
 * `prisma migrate deploy` leaves them. Returns false when another applier got
 * there first: the advisory lock cannot exclude connections that share one
 * session (the embedded PGlite server), but their transactions are serialised.
 */
async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const done = await client.query(
      'SELECT 1 FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL',
      [file.name],
    );
    if (done.rowCount) {
      await client.query('COMMIT');
      return false;
    }
    const id = randomUUID();
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, clock_timestamp(), $3)',
      [id, file.checksum, file.name],
    );
    // no parameters: the simple query protocol runs a multi-statement script
    await client.query(file.script);
    await client.query(
      'UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new DatabaseError(
      DatabaseErrorCode.MigrationFailed,
      `Migration ${file.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
      file.name,
      { cause: error },
    );
  }
}
