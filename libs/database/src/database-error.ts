/** Why a database operation of this library refused or failed. */
export enum DatabaseErrorCode {
  /** The migrations directory is missing or unreadable, or its lock file names another provider. */
  MigrationsDirInvalid = 'MIGRATIONS_DIR_INVALID',
  /** An applied migration's migration.sql was edited after it was applied. */
  ChecksumMismatch = 'CHECKSUM_MISMATCH',
  /** `_prisma_migrations` records a migration that started but neither finished nor was rolled back. */
  FailedMigrationPresent = 'FAILED_MIGRATION_PRESENT',
  /** A pending migration's SQL failed; its transaction was rolled back. */
  MigrationFailed = 'MIGRATION_FAILED',
  /** Another process held the migration lock for longer than the lock timeout. */
  LockTimeout = 'LOCK_TIMEOUT',
  /** `pingDatabase` got no answer in time. */
  PingTimeout = 'PING_TIMEOUT',
  /** The generated Prisma client does not expose the data model this library reads. */
  UnsupportedPrismaClient = 'UNSUPPORTED_PRISMA_CLIENT',
}

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';

  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    /** The migration concerned, when there is one. */
    readonly migration?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
