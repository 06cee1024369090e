import type pg from 'pg';

export interface BucketSpec {
  /** Most requests allowed in a burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  /** How long until one token is available, when not allowed. */
  retryAfterMs: number;
}

/**
 * Token buckets kept in PostgreSQL so every replica shares them. Refill and
 * take happen in one statement, so concurrent requests cannot overdraw.
 */
export class RateLimiter {
  constructor(private readonly pool: pg.Pool) {}

  async take(key: string, spec: BucketSpec): Promise<TakeResult> {
    const refilled = `least($2::double precision, rate_bucket.tokens + extract(epoch from (clock_timestamp() - rate_bucket.updated_at)) * $3::double precision)`;
    const result = await this.pool.query<{ tokens: number }>(
      `insert into rate_bucket (key, tokens, updated_at) values ($1, $2::double precision - 1, clock_timestamp())
       on conflict (key) do update set tokens = ${refilled} - 1, updated_at = clock_timestamp()
       where ${refilled} >= 1
       returning tokens`,
      [key, spec.capacity, spec.refillPerSecond],
    );
    if (result.rowCount) return { allowed: true, retryAfterMs: 0 };
    const current = await this.pool.query<{ tokens: number }>(
      `select least($2::double precision, tokens + extract(epoch from (clock_timestamp() - updated_at)) * $3::double precision) as tokens
       from rate_bucket where key = $1`,
      [key, spec.capacity, spec.refillPerSecond],
    );
    const tokens = current.rows[0]?.tokens ?? 0;
    return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / spec.refillPerSecond) * 1000) };
  }
}
