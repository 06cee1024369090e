import type pg from 'pg';
import type { Backup, BackupStatus, BackupTrigger } from './database.types.js';

/** A backup row with what the API does not show. */
export interface BackupRecord extends Backup {
  databaseId: string;
  scheduledFor: Date | null;
}

interface Row {
  id: string;
  database_id: string;
  trigger: BackupTrigger;
  scheduled_for: Date | null;
  status: BackupStatus;
  file: string | null;
  size_bytes: string | null;
  sha256: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

const COLUMNS = 'id, database_id, trigger, scheduled_for, status, file, size_bytes, sha256, started_at, finished_at, error';

function toRecord(row: Row): BackupRecord {
  return {
    id: row.id,
    databaseId: row.database_id,
    trigger: row.trigger,
    scheduledFor: row.scheduled_for,
    status: row.status,
    file: row.file,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sha256: row.sha256,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    error: row.error,
  };
}

export function toBackup(record: BackupRecord): Backup {
  const { databaseId: _databaseId, scheduledFor: _scheduledFor, ...backup } = record;
  return backup;
}

/** `database_backup`. */
export class DatabaseBackupRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * A new running backup. For a scheduled one, the unique (database_id,
   * scheduled_for) pair decides which replica runs it: the others get undefined.
   */
  async start(databaseId: string, trigger: BackupTrigger, scheduledFor: Date | null = null): Promise<BackupRecord | undefined> {
    const result = await this.pool.query<Row>(
      `insert into database_backup (database_id, trigger, scheduled_for, status) values ($1, $2, $3, 'running')
       on conflict (database_id, scheduled_for) do nothing
       returning ${COLUMNS}`,
      [databaseId, trigger, scheduledFor],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async setFile(id: string, file: string): Promise<void> {
    await this.pool.query('update database_backup set file = $2 where id = $1', [id, file]);
  }

  async succeed(id: string, sizeBytes: number, sha256: string): Promise<BackupRecord | undefined> {
    const result = await this.pool.query<Row>(
      `update database_backup set status = 'succeeded', size_bytes = $2, sha256 = $3, finished_at = now(), error = null
       where id = $1 and status = 'running' returning ${COLUMNS}`,
      [id, sizeBytes, sha256],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  /** A failed backup has no file. */
  async fail(id: string, error: string): Promise<BackupRecord | undefined> {
    const result = await this.pool.query<Row>(
      `update database_backup set status = 'failed', file = null, finished_at = now(), error = $2
       where id = $1 and status = 'running' returning ${COLUMNS}`,
      [id, error],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async get(databaseId: string, id: string): Promise<BackupRecord | undefined> {
    const result = await this.pool.query<Row>(`select ${COLUMNS} from database_backup where database_id = $1 and id = $2`, [databaseId, id]);
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  /** Newest first. */
  async list(databaseId: string, limit = 500): Promise<BackupRecord[]> {
    const result = await this.pool.query<Row>(
      `select ${COLUMNS} from database_backup where database_id = $1 order by started_at desc, id limit $2`,
      [databaseId, limit],
    );
    return result.rows.map(toRecord);
  }

  /** The newest backup of each database. */
  async latest(databaseIds: readonly string[]): Promise<Map<string, BackupRecord>> {
    if (databaseIds.length === 0) return new Map();
    const result = await this.pool.query<Row>(
      `select distinct on (database_id) ${COLUMNS} from database_backup
       where database_id = any($1::uuid[]) order by database_id, started_at desc, id`,
      [databaseIds],
    );
    return new Map(result.rows.map((row) => [row.database_id, toRecord(row)]));
  }

  /** How many of the newest backups failed in a row (stops at the first success). */
  async consecutiveFailures(databaseId: string): Promise<number> {
    const result = await this.pool.query<{ failures: string }>(
      `select count(*) as failures from database_backup
       where database_id = $1 and status = 'failed'
         and started_at > coalesce((select max(started_at) from database_backup where database_id = $1 and status in ('succeeded', 'pruned')), '-infinity')`,
      [databaseId],
    );
    return Number(result.rows[0]?.failures ?? 0);
  }

  /** Succeeded backups beyond the newest `keep`, oldest last. */
  async beyondRetention(databaseId: string, keep: number): Promise<BackupRecord[]> {
    const result = await this.pool.query<Row>(
      `select ${COLUMNS} from database_backup where database_id = $1 and status = 'succeeded'
       order by started_at desc, id offset $2`,
      [databaseId, keep],
    );
    return result.rows.map(toRecord);
  }

  async markPruned(id: string): Promise<void> {
    await this.pool.query(`update database_backup set status = 'pruned' where id = $1 and status = 'succeeded'`, [id]);
  }

  /** Succeeded backups of a database (their files), for deleting them with it. */
  async succeeded(databaseId: string): Promise<BackupRecord[]> {
    const result = await this.pool.query<Row>(`select ${COLUMNS} from database_backup where database_id = $1 and status = 'succeeded'`, [databaseId]);
    return result.rows.map(toRecord);
  }

  /** Backups whose replica went away mid-dump: failed, and their (partial) files returned for deletion. */
  async failStale(olderThanMs: number): Promise<{ id: string; databaseId: string; file: string | null }[]> {
    const result = await this.pool.query<{ id: string; database_id: string; file: string | null }>(
      `update database_backup b set status = 'failed', finished_at = now(), file = null,
              error = 'the backup was interrupted (the dashboard stopped or lost the Docker host during the dump)'
       from (select id, file from database_backup
             where status = 'running' and started_at < now() - make_interval(secs => $1::double precision / 1000)
             for update) old
       where b.id = old.id
       returning b.id, b.database_id, old.file`,
      [olderThanMs],
    );
    return result.rows.map((row) => ({ id: row.id, databaseId: row.database_id, file: row.file }));
  }
}
