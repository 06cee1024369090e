import type pg from 'pg';
import type { Restore, RestoreStatus } from './database.types.js';
import { RestoreInProgressError } from './database-errors.js';

interface Row {
  id: string;
  database_id: string;
  backup_id: string;
  safety_backup_id: string | null;
  status: RestoreStatus;
  requested_by: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

const COLUMNS = 'id, database_id, backup_id, safety_backup_id, status, requested_by, started_at, finished_at, error';

function toRestore(row: Row): Restore {
  return {
    id: row.id,
    backupId: row.backup_id,
    status: row.status,
    requestedBy: row.requested_by,
    safetyBackupId: row.safety_backup_id,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    error: row.error,
  };
}

/** `database_restore`. */
export class DatabaseRestoreRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * A new running restore, unless one is already running for the database
   * (on any replica): the check and the insert hold a transaction-scoped
   * advisory lock on the database, so two requests cannot both pass.
   */
  async start(databaseId: string, databaseName: string, backupId: string, requestedBy: string | null): Promise<Restore> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtextextended('database_restore:' || $1, 0))`, [databaseId]);
      const running = await client.query(`select 1 from database_restore where database_id = $1 and status = 'running' limit 1`, [databaseId]);
      if (running.rowCount) throw new RestoreInProgressError(databaseName);
      const result = await client.query<Row>(
        `insert into database_restore (database_id, backup_id, status, requested_by) values ($1, $2, 'running', $3) returning ${COLUMNS}`,
        [databaseId, backupId, requestedBy],
      );
      await client.query('commit');
      return toRestore(result.rows[0] as Row);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async setSafetyBackup(id: string, backupId: string): Promise<void> {
    await this.pool.query('update database_restore set safety_backup_id = $2 where id = $1', [id, backupId]);
  }

  async finish(id: string, outcome: { status: 'succeeded' } | { status: 'failed'; error: string }): Promise<Restore | undefined> {
    const result = await this.pool.query<Row>(
      `update database_restore set status = $2, error = $3, finished_at = now() where id = $1 and status = 'running' returning ${COLUMNS}`,
      [id, outcome.status, outcome.status === 'failed' ? outcome.error : null],
    );
    return result.rows[0] ? toRestore(result.rows[0]) : undefined;
  }

  async get(id: string): Promise<Restore | undefined> {
    const result = await this.pool.query<Row>(`select ${COLUMNS} from database_restore where id = $1`, [id]);
    return result.rows[0] ? toRestore(result.rows[0]) : undefined;
  }

  async isRunning(databaseId: string): Promise<boolean> {
    const result = await this.pool.query(`select 1 from database_restore where database_id = $1 and status = 'running' limit 1`, [databaseId]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Newest first. */
  async list(databaseId: string, limit = 200): Promise<Restore[]> {
    const result = await this.pool.query<Row>(
      `select ${COLUMNS} from database_restore where database_id = $1 order by started_at desc, id limit $2`,
      [databaseId, limit],
    );
    return result.rows.map(toRestore);
  }

  async failStale(olderThanMs: number): Promise<number> {
    const result = await this.pool.query(
      `update database_restore set status = 'failed', finished_at = now(),
              error = 'the restore was interrupted (the dashboard stopped during it); check the data, the pre-restore backup holds the state before it'
       where status = 'running' and started_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [olderThanMs],
    );
    return result.rowCount ?? 0;
  }
}
