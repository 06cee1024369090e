import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { DatabaseError, DatabaseErrorCode } from '../database-error.js';
import { raceWithin } from '@homelab/resilience';

export interface PoolOptions {
  /** Most connections open at once (DATABASE_POOL_MAX). Default 10. */
  max?: number;
  /** Give up opening a connection after this long. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Close connections idle this long. Default 30 s. */
  idleTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * An idle connection failed (database restarted, network cut). The pool has
   * already discarded it and the next query opens a new one; without a
   * listener Node would crash the process on this event.
   */
  onError?: (error: Error) => void;
}

function poolConfig(connectionString: string, options: PoolOptions): pg.PoolConfig {
  return {
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  };
}

/** A pg pool with timeouts set and idle-connection errors handled. */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool(poolConfig(connectionString, options));
  pool.on('error', options.onError ?? (() => undefined));
  return pool;
}

/**
 * The driver adapter a generated PrismaClient needs in Prisma 7:
 * `new PrismaClient({ adapter: createPrismaPgAdapter(url, { max }) })`.
 * Pass a pool from {@link createPool} instead of a URL to share it with
 * health checks and migrations; the adapter then leaves closing it to you.
 */
export function createPrismaPgAdapter(connection: string | pg.Pool, options: PoolOptions = {}): PrismaPg {
  const onPoolError = options.onError ?? (() => undefined);
  if (typeof connection !== 'string') return new PrismaPg(connection, { onPoolError });
  return new PrismaPg(poolConfig(connection, options), { onPoolError });
}

/**
 * `select 1` on a pooled connection, for health checks. Rejects with a
 * {@link DatabaseError} (PING_TIMEOUT) when no connection or no answer comes
 * within `timeoutMs`; a connection that stalled is discarded, not reused.
 */
export async function pingDatabase(pool: pg.Pool, timeoutMs = 1_000): Promise<{ latencyMs: number }> {
  const started = performance.now();
  const timeout = () => new DatabaseError(DatabaseErrorCode.PingTimeout, `Database did not answer within ${timeoutMs} ms`);
  const deadline = started + timeoutMs;
  const client = await raceWithin(pool.connect(), deadline - performance.now(), timeout, (late) => late.release());
  try {
    await raceWithin(client.query('select 1'), deadline - performance.now(), timeout);
  } catch (error) {
    client.release(true);
    throw error;
  }
  client.release();
  return { latencyMs: Math.round((performance.now() - started) * 100) / 100 };
}
