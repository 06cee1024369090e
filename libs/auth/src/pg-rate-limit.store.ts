import type pg from 'pg';

/** What @fastify/rate-limit expects of a store (its `FastifyRateLimitStore`, minus the route typing). */
export interface RateLimitStore {
  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
  child(routeOptions: object): RateLimitStore;
}

export interface PgRateLimitStoreOptions {
  /** Prefixed to every key, so several limiters can share the table. */
  namespace?: string;
}

/**
 * A fixed-window counter in `rate_limit_bucket`, one atomic upsert per hit: a new window
 * starts (hits = 1) once reset_at has passed, otherwise hits grows. Shared by every replica,
 * so N attempts are N wherever they land.
 */
export async function incrementBucket(pool: pg.Pool, key: string, timeWindowMs: number): Promise<{ current: number; ttl: number }> {
  const result = await pool.query<{ hits: number; ttl_ms: string }>(
    `insert into rate_limit_bucket as b (key, hits, reset_at)
     values ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
     on conflict (key) do update set
       hits = case when b.reset_at <= now() then 1 else b.hits + 1 end,
       reset_at = case when b.reset_at <= now() then excluded.reset_at else b.reset_at end
     returning hits,
       -- now() is when this statement's transaction began: one that waited on a concurrent insert
       -- sees a window opened after it began, so the raw difference can exceed the window
       least(round(extract(epoch from (reset_at - now())) * 1000), $2::double precision)::bigint as ttl_ms`,
    [key, timeWindowMs],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error('rate_limit_bucket upsert returned no row');
  return { current: row.hits, ttl: Math.max(0, Number(row.ttl_ms)) };
}

/** Drops buckets whose window is over; returns how many. */
export async function purgeRateLimitBuckets(pool: pg.Pool): Promise<number> {
  const result = await pool.query('delete from rate_limit_bucket where reset_at <= now()');
  return result.rowCount ?? 0;
}

/**
 * A store class for @fastify/rate-limit's `store` option (the plugin instantiates it itself,
 * so the pool is bound here).
 */
export function createPgRateLimitStore(pool: pg.Pool, options: PgRateLimitStoreOptions = {}): new (settings: object) => RateLimitStore {
  const namespace = options.namespace ?? '';
  return class PgRateLimitStore implements RateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      incrementBucket(pool, `${namespace}${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): RateLimitStore {
      return new PgRateLimitStore();
    }
  };
}
