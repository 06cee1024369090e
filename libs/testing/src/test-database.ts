import pg from 'pg';
import { databaseUrl } from './provided.js';
import { randomToken } from './naming.js';

export interface TestDatabase {
  /** Database name, `t_<label>_<random>`. */
  readonly name: string;
  /** Connection URL for this database (same server and credentials as `databaseUrl()`). */
  readonly url: string;
  /** Terminates its connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

const MAX_IDENTIFIER_LENGTH = 63;
/** Marks databases made here, so stale ones can be found without guessing from names alone. */
const COMMENT_PREFIX = 'homelab-test-database created=';

function sanitiseLabel(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'test';
}

export function testDatabaseName(label = 'test'): string {
  const suffix = `_${randomToken(10)}`;
  const head = `t_${sanitiseLabel(label)}`.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length);
  return head + suffix;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The URL of `database` on the server of `serverUrl`, keeping credentials and query parameters. */
export function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** How long a drop waits for clients that are closing (a pool just ended) before forcing them out. */
const CLOSING_GRACE_MS = 1000;

async function dropDatabase(name: string): Promise<void> {
  await withAdminClient(async (client) => {
    // A pool's end() resolves before the server has seen every Terminate; forcing those
    // connections out would hand their clients a FATAL error after their owner stopped listening.
    const deadline = Date.now() + CLOSING_GRACE_MS;
    for (;;) {
      const open = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if ((open.rows[0]?.n ?? 0) === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // FORCE terminates remaining connections (PostgreSQL 13+)
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}

/** Creates a fresh, empty database on the test PostgreSQL server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = testDatabaseName(label);
  await withAdminClient(async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    await client.query(`COMMENT ON DATABASE ${quoteIdentifier(name)} IS ${quoteLiteral(COMMENT_PREFIX + new Date().toISOString())}`);
  });
  return { name, url: urlForDatabase(databaseUrl(), name), drop: () => dropDatabase(name) };
}

export interface PooledTestDatabase {
  db: TestDatabase;
  pool: pg.Pool;
  /** Ends the pool, then drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh database, prepared by `prepare` (e.g. `(url) => applyMigrations({ connectionString: url, migrationsDir })`),
 * with a pool on it. The pool ignores the errors of idle clients that the drop terminates.
 */
export async function createPooledTestDatabase(
  label: string,
  options: { prepare?: (url: string) => Promise<unknown>; max?: number } = {},
): Promise<PooledTestDatabase> {
  const db = await createTestDatabase(label);
  await options.prepare?.(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: options.max ?? 6 });
  pool.on('error', () => undefined);
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * Drops databases made by {@link createTestDatabase} more than `olderThanMs`
 * ago (left behind by crashed runs). Returns the names dropped.
 */
export async function dropStaleTestDatabases(olderThanMs: number): Promise<string[]> {
  const rows = await withAdminClient(async (client) => {
    const result = await client.query<{ datname: string; comment: string }>(
      `SELECT d.datname, shobj_description(d.oid, 'pg_database') AS comment
         FROM pg_database d
        WHERE shobj_description(d.oid, 'pg_database') LIKE $1`,
      [`${COMMENT_PREFIX}%`],
    );
    return result.rows;
  });
  const cutoff = Date.now() - olderThanMs;
  const stale = rows
    .filter((row) => Date.parse(row.comment.slice(COMMENT_PREFIX.length)) < cutoff)
    .map((row) => row.datname);
  for (const name of stale) await dropDatabase(name);
  return stale;
}
