export type CheckStatus = 'up' | 'degraded' | 'down' | 'unknown';

export interface CheckResult {
  at: string;
  status: CheckStatus;
  responseMs: number | null;
  error: string | null;
}

export interface Bucket {
  /** The worst status inside, or `none` without checks. */
  status: CheckStatus | 'none';
  /** Start, ms since the epoch. */
  from: number;
  checks: number;
  averageMs: number | null;
  /** The error of the worst result. */
  error: string | null;
}

export const BUCKETS = 48;
const RANK: Record<CheckStatus, number> = { unknown: 0, up: 1, degraded: 2, down: 3 };

/** The results of the last `spanMs` in 48 equal bars, each coloured by its worst result. */
export function bucketize(results: readonly CheckResult[], now: number, spanMs: number): Bucket[] {
  const width = spanMs / BUCKETS;
  const start = now - spanMs;
  const buckets: Bucket[] = Array.from({ length: BUCKETS }, (_, index) => ({ status: 'none', from: start + index * width, checks: 0, averageMs: null, error: null }));
  const sums = new Array<number>(BUCKETS).fill(0);
  const timed = new Array<number>(BUCKETS).fill(0);
  for (const result of results) {
    const index = Math.floor((Date.parse(result.at) - start) / width);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.checks += 1;
    if (bucket.status === 'none' || RANK[result.status] > RANK[bucket.status]) {
      bucket.status = result.status;
      bucket.error = result.error;
    }
    if (result.responseMs !== null) {
      sums[index] = (sums[index] ?? 0) + result.responseMs;
      timed[index] = (timed[index] ?? 0) + 1;
    }
  }
  buckets.forEach((bucket, index) => {
    const count = timed[index] ?? 0;
    bucket.averageMs = count > 0 ? (sums[index] ?? 0) / count : null;
  });
  return buckets;
}
