// docs/dashboard-api.md, "One-click databases".

export type DatabaseEngine = 'postgres' | 'mariadb' | 'redis' | 'mongodb';
export type DatabaseStatus = 'creating' | 'ready' | 'failed' | 'removed';
/** The container's health as Docker reports it; `missing` when the container is gone, `unknown` when its host does not answer. */
export type DatabaseHealth = 'healthy' | 'unhealthy' | 'starting' | 'none' | 'missing' | 'unknown';
export type BackupTrigger = 'schedule' | 'manual' | 'pre-restore';
/** `pruned`: beyond the retention, its file deleted (the row is kept). */
export type BackupStatus = 'running' | 'succeeded' | 'failed' | 'pruned';
export type RestoreStatus = 'running' | 'succeeded' | 'failed';

/** An engine the dashboard can create (`GET /api/databases/templates`). */
export interface DatabaseTemplateSummary {
  engine: DatabaseEngine;
  label: string;
  /** Pinned tag, never `latest`. */
  image: string;
  /** The port the server listens on inside the container. */
  port: number;
  backup: boolean;
}

/** `GET /api/databases/templates`. */
export interface DatabaseTemplateList {
  templates: DatabaseTemplateSummary[];
}

/** One backup (`file` is relative to BACKUP_DIR). */
export interface Backup {
  id: string;
  trigger: BackupTrigger;
  status: BackupStatus;
  file: string | null;
  sizeBytes: number | null;
  /** Of the file, checked before a restore. */
  sha256: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface Restore {
  id: string;
  backupId: string;
  status: RestoreStatus;
  requestedBy: string | null;
  /** The backup taken just before the restore (the data as it was), once it exists. */
  safetyBackupId: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface ManagedDatabase {
  id: string;
  name: string;
  engine: DatabaseEngine;
  /** The Docker host it runs on. */
  host: string;
  containerName: string;
  containerId: string | null;
  image: string;
  /** Null until Docker picked a port (when none was asked for). */
  hostPort: number | null;
  username: string | null;
  databaseName: string | null;
  volume: string;
  status: DatabaseStatus;
  /** What creation is doing now (`pulling image postgres:17.2`), while `creating`. */
  progress: string | null;
  health: DatabaseHealth;
  /** Why it `failed`. */
  error: string | null;
  /** Five-field cron; null: no scheduled backups. */
  backupSchedule: string | null;
  /** Succeeded backups kept. */
  backupRetention: number;
  nextBackupAt: string | null;
  lastBackup: Backup | null;
  createdAt: string;
}

/** `GET /api/databases`. */
export interface DatabaseList {
  databases: ManagedDatabase[];
}

/** `GET /api/databases/:id/credentials` (admin). */
export interface DatabaseCredentials {
  /** null for engines without users (Redis). */
  username: string | null;
  password: string;
  database: string | null;
  host: string;
  port: number;
  connectionString: string;
}

/** `GET /api/databases/:id/backups`, newest first. */
export interface BackupList {
  backups: Backup[];
}

/** `GET /api/databases/:id/restores`, newest first. */
export interface RestoreList {
  restores: Restore[];
}

/** `POST /api/databases`. */
export interface CreateDatabaseBody {
  /** 2–32 lower-case letters, digits and hyphens, starting with a letter. */
  name: string;
  engine: DatabaseEngine;
  /** Default: the first of DOCKER_HOSTS. */
  host?: string;
  /** Omitted: Docker picks a free port. */
  hostPort?: number;
  /** The host address the port is published on; default 127.0.0.1 (that host only). */
  bindAddress?: string;
  /** null: no scheduled backups; omitted: DATABASE_BACKUP_SCHEDULE. */
  backupSchedule?: string | null;
  backupRetention?: number;
}

/** `PATCH /api/databases/:id`: at least one field. */
export interface UpdateDatabaseBody {
  backupSchedule?: string | null;
  backupRetention?: number;
}

/** `DELETE /api/databases/:id`. */
export interface DeleteDatabaseBody {
  /** The database's name; missing or different: 409 CONFIRMATION_REQUIRED. */
  confirm: string;
  /** Also delete the data volume. */
  removeVolume?: boolean;
  /** Also delete the backup files; otherwise they stay (and the database stays listed as `removed`). */
  removeBackups?: boolean;
}

/** `POST /api/databases/:id/restore`. */
export interface RestoreDatabaseBody {
  backupId: string;
  /** The database's name; missing or different: 409 CONFIRMATION_REQUIRED. */
  confirm: string;
}
