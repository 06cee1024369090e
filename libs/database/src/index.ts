export { DatabaseError, DatabaseErrorCode } from './database-error.js';
export {
  applyMigrations,
  PRISMA_MIGRATE_ADVISORY_LOCK,
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
} from './migrations/apply-migrations.js';
export { migrationChecksum } from './migrations/checksum.js';
export { readMigrationFiles, type MigrationFile } from './migrations/migration-files.js';
export { checkSchemaDrift, type CheckSchemaDriftOptions } from './drift/check-schema-drift.js';
export {
  modelsFromPrismaClient,
  modelsFromRuntimeDataModel,
  type ExpectedColumn,
  type ExpectedModel,
  type RuntimeDataModel,
} from './drift/expected-model.js';
export { createPool, createPrismaPgAdapter, pingDatabase, type PoolOptions } from './pool/create-pool.js';
export type { DatabaseTarget } from './pool/database-target.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-postgres.js';
export { JobLease } from './pool/job-lease.js';
export { withTransaction } from './pool/transaction.js';
