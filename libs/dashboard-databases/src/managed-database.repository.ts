import type pg from 'pg';
import type { DatabaseEngine, DatabaseStatus } from './database.types.js';
import { DatabaseNameTakenError } from './database-errors.js';

/** One `managed_database` row. */
export interface DatabaseRecord {
  id: string;
  name: string;
  engine: DatabaseEngine;
  dockerHost: string;
  containerName: string;
  containerId: string | null;
  volume: string;
  image: string;
  hostPort: number | null;
  username: string | null;
  databaseName: string | null;
  /** DataCipher token; never the password. */
  passwordSecret: string;
  status: DatabaseStatus;
  progress: string | null;
  error: string | null;
  backupSchedule: string | null;
  backupRetention: number;
  createdAt: Date;
  createdBy: string | null;
}

export type NewDatabaseRecord = Omit<DatabaseRecord, 'containerId' | 'status' | 'progress' | 'error' | 'createdAt'>;

interface Row {
  id: string;
  name: string;
  engine: DatabaseEngine;
  docker_host: string;
  container_name: string;
  container_id: string | null;
  volume: string;
  image: string;
  host_port: number | null;
  username: string | null;
  database_name: string | null;
  password_secret: string;
  status: DatabaseStatus;
  progress: string | null;
  error: string | null;
  backup_schedule: string | null;
  backup_retention: number;
  created_at: Date;
  created_by: string | null;
}

const COLUMNS =
  'id, name, engine, docker_host, container_name, container_id, volume, image, host_port, username, database_name, password_secret, status, progress, error, backup_schedule, backup_retention, created_at, created_by';

const UNIQUE_VIOLATION = '23505';

function toRecord(row: Row): DatabaseRecord {
  return {
    id: row.id,
    name: row.name,
    engine: row.engine,
    dockerHost: row.docker_host,
    containerName: row.container_name,
    containerId: row.container_id,
    volume: row.volume,
    image: row.image,
    hostPort: row.host_port,
    username: row.username,
    databaseName: row.database_name,
    passwordSecret: row.password_secret,
    status: row.status,
    progress: row.progress,
    error: row.error,
    backupSchedule: row.backup_schedule,
    backupRetention: row.backup_retention,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** `managed_database`: every change is one statement, so replicas never see half a transition. */
export class ManagedDatabaseRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Inserts a database in status `creating`. A removed database of the same
   * name (kept only for its backups' record) makes way; a live one → 409.
   */
  async insert(record: NewDatabaseRecord): Promise<DatabaseRecord> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`delete from managed_database where name = $1 and status = 'removed'`, [record.name]);
      const result = await client.query<Row>(
        `insert into managed_database (id, name, engine, docker_host, container_name, volume, image, host_port, username, database_name,
                                       password_secret, status, progress, backup_schedule, backup_retention, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'creating', 'queued', $12, $13, $14)
         returning ${COLUMNS}`,
        [
          record.id,
          record.name,
          record.engine,
          record.dockerHost,
          record.containerName,
          record.volume,
          record.image,
          record.hostPort,
          record.username,
          record.databaseName,
          record.passwordSecret,
          record.backupSchedule,
          record.backupRetention,
          record.createdBy,
        ],
      );
      await client.query('commit');
      return toRecord(result.rows[0] as Row);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DatabaseNameTakenError(record.name);
      throw error;
    } finally {
      client.release();
    }
  }

  async get(id: string): Promise<DatabaseRecord | undefined> {
    const result = await this.pool.query<Row>(`select ${COLUMNS} from managed_database where id = $1`, [id]);
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async list(): Promise<DatabaseRecord[]> {
    const result = await this.pool.query<Row>(`select ${COLUMNS} from managed_database order by created_at, name limit 1000`);
    return result.rows.map(toRecord);
  }

  /** Ready databases with a backup schedule. */
  async scheduled(): Promise<DatabaseRecord[]> {
    const result = await this.pool.query<Row>(
      `select ${COLUMNS} from managed_database where status = 'ready' and backup_schedule is not null order by name`,
    );
    return result.rows.map(toRecord);
  }

  /** Only while creating: a late progress report never overwrites the outcome. */
  async setProgress(id: string, progress: string): Promise<void> {
    await this.pool.query(`update managed_database set progress = $2 where id = $1 and status = 'creating'`, [id, progress]);
  }

  async setContainer(id: string, containerId: string): Promise<void> {
    await this.pool.query(`update managed_database set container_id = $2 where id = $1`, [id, containerId]);
  }

  async markReady(id: string, hostPort: number | null): Promise<void> {
    await this.pool.query(
      `update managed_database set status = 'ready', progress = null, error = null, host_port = coalesce($2, host_port)
       where id = $1 and status = 'creating'`,
      [id, hostPort],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.pool.query(`update managed_database set status = 'failed', progress = null, error = $2 where id = $1 and status = 'creating'`, [
      id,
      error,
    ]);
  }

  async updateBackupPolicy(id: string, schedule: string | null, retention: number): Promise<DatabaseRecord | undefined> {
    const result = await this.pool.query<Row>(
      `update managed_database set backup_schedule = $2, backup_retention = $3 where id = $1 returning ${COLUMNS}`,
      [id, schedule, retention],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  /** The container is gone; the row stays as the record of the backup files kept on disk. */
  async markRemoved(id: string): Promise<void> {
    await this.pool.query(
      `update managed_database set status = 'removed', container_id = null, progress = null, backup_schedule = null where id = $1`,
      [id],
    );
  }

  async delete(id: string): Promise<void> {
    await this.pool.query('delete from managed_database where id = $1', [id]);
  }

  /** Creations whose replica went away mid-way (nothing else will ever finish them). */
  async failStaleCreations(olderThanMs: number): Promise<number> {
    const result = await this.pool.query(
      `update managed_database set status = 'failed', progress = null,
              error = 'creation was interrupted (the dashboard stopped before the database became ready); delete it and create it again'
       where status = 'creating' and created_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [olderThanMs],
    );
    return result.rowCount ?? 0;
  }
}
