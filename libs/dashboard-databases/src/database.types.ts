/** The engines a one-click database can run. */
export const DATABASE_ENGINES = ['postgres', 'mariadb', 'redis', 'mongodb'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

export type DatabaseStatus = 'creating' | 'ready' | 'failed' | 'removed';
/** The container's health as Docker reports it; `missing` when the container is gone, `unknown` when its host does not answer. */
export type DatabaseHealth = 'healthy' | 'unhealthy' | 'starting' | 'none' | 'missing' | 'unknown';
export type BackupTrigger = 'schedule' | 'manual' | 'pre-restore';
export type BackupStatus = 'running' | 'succeeded' | 'failed' | 'pruned';
export type RestoreStatus = 'running' | 'succeeded' | 'failed';

/** One backup, as the API shows it (`file` is relative to BACKUP_DIR). */
export interface Backup {
  id: string;
  trigger: BackupTrigger;
  status: BackupStatus;
  file: string | null;
  sizeBytes: number | null;
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
  hostPort: number | null;
  username: string | null;
  databaseName: string | null;
  volume: string;
  status: DatabaseStatus;
  /** What creation is doing now (`pulling image postgres:17.2`), while `creating`. */
  progress: string | null;
  health: DatabaseHealth;
  error: string | null;
  backupSchedule: string | null;
  backupRetention: number;
  nextBackupAt: string | null;
  lastBackup: Backup | null;
  createdAt: string;
}

export interface DatabaseCredentials {
  username: string | null;
  password: string;
  database: string | null;
  host: string;
  port: number;
  connectionString: string;
}

export interface TemplateSummary {
  engine: DatabaseEngine;
  label: string;
  image: string;
  port: number;
  backup: boolean;
}
