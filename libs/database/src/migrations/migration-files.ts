import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseError, DatabaseErrorCode } from '../database-error.js';
import { migrationChecksum } from './checksum.js';

/** One `migrations/<name>/migration.sql` in Prisma Migrate's layout. */
export interface MigrationFile {
  /** Folder name, e.g. `20261123000000_init`; Prisma orders migrations by it. */
  readonly name: string;
  readonly script: string;
  /** Checksum of the file's bytes, as Prisma records it. */
  readonly checksum: string;
}

const LOCK_FILE = 'migration_lock.toml';

/**
 * Reads the migrations of `migrationsDir` in the order Prisma applies them
 * (folder names, compared as strings). Folders without `migration.sql` are
 * skipped, as Prisma does.
 */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new DatabaseError(DatabaseErrorCode.MigrationsDirInvalid, `Cannot read migrations directory ${migrationsDir}`, undefined, {
      cause: error,
    });
  });
  await assertPostgresLock(migrationsDir, entries.some((entry) => entry.isFile() && entry.name === LOCK_FILE));

  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(compareNames);
  const files: MigrationFile[] = [];
  for (const name of names) {
    const bytes = await readFile(join(migrationsDir, name, 'migration.sql')).catch(ignoreMissing);
    if (bytes) files.push({ name, script: bytes.toString('utf8'), checksum: migrationChecksum(bytes) });
  }
  return files;
}

/** Plain code-unit order, like Rust's `str` ordering Prisma uses (not locale-aware). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

/** Prisma refuses migrations written for another provider (P3019); so do we. */
async function assertPostgresLock(migrationsDir: string, present: boolean): Promise<void> {
  if (!present) return;
  const text = await readFile(join(migrationsDir, LOCK_FILE), 'utf8');
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  if (provider !== undefined && provider !== 'postgresql') {
    throw new DatabaseError(
      DatabaseErrorCode.MigrationsDirInvalid,
      `${join(migrationsDir, LOCK_FILE)} is for provider "${provider}", not "postgresql"`,
    );
  }
}
