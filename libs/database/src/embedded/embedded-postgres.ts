import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGliteServer } from './pglite-server.js';

export interface EmbeddedPostgresOptions {
  /** Each database keeps its files in `<dataDir>/<name>`; they survive restarts. */
  dataDir: string;
  /** Names clients use as the database of their URL, e.g. the service names. */
  databases: readonly string[];
  /** TCP port; 0 (the default) picks a free one — read it from `port` or `urls`. */
  port?: number;
  /** Loopback by default: the embedded server has no authentication. */
  host?: string;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres@<host>:<port>/<name>` for every database. */
  readonly urls: Readonly<Record<string, string>>;
  readonly port: number;
  /** Disconnects clients (rolling back open transactions) and closes every database. */
  close(): Promise<void>;
}

const DATABASE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$/;
const LOCK_FILE = 'embedded-postgres.pid';

/**
 * PostgreSQL for `npm start` without installing a server: one PGlite
 * (PostgreSQL compiled to WebAssembly) per database, all behind one local
 * port that speaks the PostgreSQL protocol, so services use the same `pg`,
 * Prisma and migration code as in production.
 *
 * PGlite serves a single database per instance, hence one instance — about
 * 175 MB of memory, a few seconds to create the first time — per name. See
 * {@link PGliteServer} for what sharing one session per database implies.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const names = validateNames(options.databases);
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dataDir, { recursive: true });
  const releaseDataDir = await lockDataDir(options.dataDir);

  const instances = new Map<string, PGlite>();
  let server: PGliteServer | undefined;
  const closeAll = async () => {
    await server?.close();
    await Promise.allSettled([...instances.values()].map((db) => db.close()));
    await releaseDataDir();
  };
  try {
    // one at a time: creating a PGlite is CPU-bound, parallel creation only adds memory pressure
    for (const name of names) instances.set(name, await PGlite.create({ dataDir: join(options.dataDir, name) }));
    server = new PGliteServer(instances);
    const port = await server.listen(options.port ?? 0, host);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const urls = Object.fromEntries(names.map((name) => [name, `postgresql://postgres@${urlHost}:${port}/${encodeURIComponent(name)}`]));
    let closing: Promise<void> | undefined;
    return { urls, port, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function validateNames(databases: readonly string[]): string[] {
  if (databases.length === 0) throw new Error('startEmbeddedPostgres needs at least one database name');
  const invalid = databases.filter((name) => !DATABASE_NAME.test(name));
  if (invalid.length > 0) throw new Error(`Invalid embedded database name(s): ${invalid.join(', ')} (letters, digits, _ and -)`);
  const unique = [...new Set(databases)];
  if (unique.length !== databases.length) throw new Error('Embedded database names must be unique');
  return unique;
}

/** Data directories this process has open (a pid file cannot tell them apart from a stale one of a previous pid-1 container). */
const openDataDirs = new Set<string>();

/**
 * PGlite does not guard its data directory: two processes opening it would
 * corrupt it. A pid file refuses the second one; a stale file (its process
 * gone, or our own pid left by a previous run in a container) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const key = resolve(dataDir);
  if (openDataDirs.has(key)) throw new Error(`Embedded PostgreSQL data directory ${dataDir} is in use by process ${process.pid}`);
  const lockPath = join(dataDir, LOCK_FILE);
  const created = await writeFile(lockPath, String(process.pid), { flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    },
  );
  if (!created) {
    const holder = Number((await readFile(lockPath, 'utf8')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new Error(`Embedded PostgreSQL data directory ${dataDir} is in use by process ${holder}`);
    }
    await writeFile(lockPath, String(process.pid));
  }
  openDataDirs.add(key);
  return async () => {
    openDataDirs.delete(key);
    await rm(lockPath, { force: true });
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
