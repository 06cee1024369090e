// The API's database shapes (docs/dashboard-api.md, "One-click databases") are @homelab/dashboard-api's.
import type { DatabaseEngine, DatabaseTemplateSummary } from '@homelab/dashboard-api';

export type {
  DatabaseEngine,
  DatabaseStatus,
  DatabaseHealth,
  BackupTrigger,
  BackupStatus,
  RestoreStatus,
  Backup,
  Restore,
  ManagedDatabase,
  DatabaseCredentials,
} from '@homelab/dashboard-api';

/** The engines a one-click database can run. */
export const DATABASE_ENGINES = ['postgres', 'mariadb', 'redis', 'mongodb'] as const satisfies readonly DatabaseEngine[];

/** An engine as `GET /api/databases/templates` lists it. */
export type TemplateSummary = DatabaseTemplateSummary;
