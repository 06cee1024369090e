import type { Pool } from 'pg';
import { AGGREGATED_SELECT, aggregationCtes } from './aggregate-sql.js';
import { METRIC_COLUMNS, PEAK_COLUMNS } from './metric-columns.js';

export interface DownsamplerOptions {
  /** Downsampled rows older than this many days are deleted. */
  retentionDays: number;
  /** Raw samples are kept this long (24 h). */
  rawWindowMs?: number;
  /** Width of a stored average (5 minutes). */
  bucketSeconds?: number;
  /** Most raw time folded by one statement, so a long backlog is worked off in bounded transactions. */
  chunkMs?: number;
}

export interface DownsampleResult {
  /** Raw samples averaged into buckets (and deleted). */
  rawFolded: number;
  /** Bucket rows written (new, or re-averaged with late raw samples). */
  bucketsWritten: number;
  /** Rows older than the retention deleted. */
  expiredDeleted: number;
}

const DAY_MS = 86_400_000;

/**
 * Keeps host_metric_sample small: raw samples older than the raw window are
 * averaged into 5-minute buckets (weighted by sample_count, peaks kept) and
 * deleted, and everything older than the retention is deleted.
 *
 * Only whole buckets are folded: the cut-off is the raw window rounded down
 * to a bucket boundary, so a bucket is never built from half its samples and
 * a sample exactly 24 h old stays raw. Folding is one statement (DELETE …
 * RETURNING feeding the INSERT), so it is atomic; run twice, the second run
 * finds nothing to fold. A raw sample arriving late for a bucket already
 * written is folded together with that bucket's row, re-averaged by weight.
 * Two runs at once cannot double-count: the second one's DELETE waits for
 * the first one's rows and then finds them gone. The caller still runs it
 * under a JobLease so only one replica does the work.
 */
export class HostMetricsDownsampler {
  private readonly rawWindowMs: number;
  private readonly bucketSeconds: number;
  private readonly chunkMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly options: DownsamplerOptions,
  ) {
    this.rawWindowMs = options.rawWindowMs ?? DAY_MS;
    this.bucketSeconds = options.bucketSeconds ?? 300;
    this.chunkMs = options.chunkMs ?? 6 * 3_600_000;
  }

  /** The raw-sample cut-off for `now`: samples strictly before it are folded. */
  rawCutoff(now: Date): Date {
    const bucketMs = this.bucketSeconds * 1000;
    return new Date(Math.floor((now.getTime() - this.rawWindowMs) / bucketMs) * bucketMs);
  }

  async run(now: Date = new Date()): Promise<DownsampleResult> {
    const expiredDeleted = await this.deleteExpired(now);
    const cutoff = this.rawCutoff(now);
    let rawFolded = 0;
    let bucketsWritten = 0;
    // each chunk starts where the last one ended: the rows before it are gone, and
    // searching from the start again would wade through their dead tuples every time
    let searchFrom = new Date(0);
    for (;;) {
      const oldest = await this.oldestRaw(searchFrom, cutoff);
      if (!oldest) break;
      const start = new Date(this.alignDown(oldest));
      const end = new Date(Math.min(cutoff.getTime(), start.getTime() + this.chunkMs));
      const folded = await this.fold(start, end);
      rawFolded += folded.rawFolded;
      bucketsWritten += folded.bucketsWritten;
      searchFrom = end;
    }
    return { rawFolded, bucketsWritten, expiredDeleted };
  }

  private alignDown(at: Date): number {
    const bucketMs = this.bucketSeconds * 1000;
    return Math.floor(at.getTime() / bucketMs) * bucketMs;
  }

  private async deleteExpired(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const result = await this.pool.query('DELETE FROM host_metric_sample WHERE at < $1', [cutoff]);
    return result.rowCount ?? 0;
  }

  private async oldestRaw(from: Date, cutoff: Date): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ oldest: Date | null }>(
      'SELECT min(at) AS oldest FROM host_metric_sample WHERE resolution_s < $1 AND at >= $2 AND at < $3',
      [this.bucketSeconds, from, cutoff],
    );
    return rows[0]?.oldest ?? undefined;
  }

  /** Folds raw rows in [start, end) (bucket boundaries), together with the stored buckets they belong to. */
  private async fold(start: Date, end: Date): Promise<Pick<DownsampleResult, 'rawFolded' | 'bucketsWritten'>> {
    const bucket = 'make_interval(secs => $2::int)';
    const columns = [...METRIC_COLUMNS.map((c) => c.column), ...PEAK_COLUMNS.map((p) => p.column)];
    const { rows } = await this.pool.query<{ raw_folded: string; buckets_written: string }>(
      `WITH moved AS (
         DELETE FROM host_metric_sample t
          WHERE t.at >= $3 AND t.at < $1
            AND (t.resolution_s < $2::int
                 OR (t.resolution_s = $2::int AND (t.host, t.at) IN (
                       SELECT r.host, date_bin(${bucket}, r.at, timestamptz '1970-01-01 00:00:00+00')
                         FROM host_metric_sample r
                        WHERE r.resolution_s < $2::int AND r.at >= $3 AND r.at < $1)))
         RETURNING t.*
       ), ${aggregationCtes('moved', bucket)},
       written AS (
         INSERT INTO host_metric_sample (host, resolution_s, at, sample_count, ${columns.join(', ')}, details)
         SELECT host, $2::int, at, sample_count, ${columns.join(', ')}, details FROM (${AGGREGATED_SELECT}) averaged
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM moved WHERE resolution_s < $2::int) AS raw_folded,
              (SELECT count(*) FROM written) AS buckets_written`,
      [end, this.bucketSeconds, start],
    );
    return { rawFolded: Number(rows[0]?.raw_folded ?? 0), bucketsWritten: Number(rows[0]?.buckets_written ?? 0) };
  }
}
