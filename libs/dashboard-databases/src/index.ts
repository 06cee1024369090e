// public API of @homelab/dashboard-databases
export * from './database.types.js';
export * from './database-errors.js';
export * from './database-naming.js';
export * from './database-requests.js';
export * from './databases.service.js';
export { backupAlertKey, DatabaseBackupService, type StartedBackup } from './database-backup.service.js';
export { DatabaseRestoreService } from './database-restore.service.js';
export { BackupScheduler } from './backup-scheduler.js';
export { BackupFileStore, backupTimestamp } from './backup-file-store.js';
export { ManagedDatabaseRepository, type DatabaseRecord } from './managed-database.repository.js';
export { DatabaseBackupRepository, type BackupRecord } from './database-backup.repository.js';
export { DatabaseRestoreRepository } from './database-restore.repository.js';
export { containerCreateOptions, DATABASE_ID_LABEL, MANAGED_LABEL } from './container-spec.js';
export { templateFor, templateSummaries } from './templates/templates.js';
export type { DatabaseTemplate, TemplateCredentials, TemplateHealthcheck } from './templates/database-template.js';
export { nextRunOf, scheduleProblem } from './backup-schedule.js';
