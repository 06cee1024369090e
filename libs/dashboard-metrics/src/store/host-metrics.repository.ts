import type { Pool } from 'pg';
import type { HostHistoryPoint, HostSample } from '../host-sample.js';
import type { SampleStore } from '../collector/sample-writer.js';
import { AGGREGATED_SELECT, aggregationCtes } from './aggregate-sql.js';
import { METRIC_COLUMNS, PEAK_COLUMNS } from './metric-columns.js';
import { fromRow, INSERT_RECORD_TYPE, pointFromRow, toInsertRecord, type SampleRow } from './sample-row.js';

const COLUMNS = [
  'host',
  'at',
  'sample_count',
  ...METRIC_COLUMNS.map((c) => c.column),
  ...PEAK_COLUMNS.map((p) => p.column),
  'details',
].join(', ');

export interface TimeWindow {
  host: string;
  from: Date;
  to: Date;
}

/** host_metric_sample: raw samples in, history out. */
export class HostMetricsRepository implements SampleStore {
  constructor(private readonly pool: Pool) {}

  /** Stores raw samples; a sample already stored (same host, resolution and time) is skipped, so retries are safe. */
  async insertRaw(samples: readonly HostSample[], resolutionSeconds: number): Promise<void> {
    if (samples.length === 0) return;
    const columns = METRIC_COLUMNS.map((c) => c.column);
    await this.pool.query(
      `INSERT INTO host_metric_sample (host, resolution_s, at, ${columns.join(', ')}, details)
       SELECT r.host, $2::int, r.at, ${columns.map((c) => `r.${c}`).join(', ')}, coalesce(r.details, '{}'::jsonb)
         FROM jsonb_to_recordset($1::jsonb) AS r(${INSERT_RECORD_TYPE})
       ON CONFLICT (host, resolution_s, at) DO NOTHING`,
      [JSON.stringify(samples.map(toInsertRecord)), resolutionSeconds],
    );
  }

  /** The newest stored sample of `host`, raw or averaged. */
  async latest(host: string): Promise<HostSample | undefined> {
    const { rows } = await this.pool.query<SampleRow>(
      `SELECT ${COLUMNS} FROM host_metric_sample WHERE host = $1 ORDER BY at DESC LIMIT 1`,
      [host],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Stored rows as they are, oldest first; at most `limit`, the newest ones. */
  async rows(window: TimeWindow, limit: number): Promise<HostHistoryPoint[]> {
    const { rows } = await this.pool.query<SampleRow>(
      `SELECT * FROM (
         SELECT ${COLUMNS} FROM host_metric_sample WHERE host = $1 AND at >= $2 AND at <= $3 ORDER BY at DESC LIMIT $4
       ) newest ORDER BY at`,
      [window.host, window.from, window.to, limit],
    );
    return rows.map(pointFromRow);
  }

  /** Rows averaged into buckets of `bucketSeconds` (aligned to the epoch), oldest first. */
  async bucketed(window: TimeWindow, bucketSeconds: number): Promise<HostHistoryPoint[]> {
    const { rows } = await this.pool.query<SampleRow>(
      `WITH in_window AS (
         SELECT * FROM host_metric_sample WHERE host = $1 AND at >= $2 AND at <= $3
       ), ${aggregationCtes('in_window', 'make_interval(secs => $4)')}
       ${AGGREGATED_SELECT}
       ORDER BY at`,
      [window.host, window.from, window.to, bucketSeconds],
    );
    return rows.map(pointFromRow);
  }

  async hasHost(host: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM host_metric_sample WHERE host = $1 LIMIT 1', [host]);
    return rows.length > 0;
  }

  /** Every host with stored samples (for error messages and pickers). */
  async knownHosts(): Promise<string[]> {
    const { rows } = await this.pool.query<{ host: string }>('SELECT DISTINCT host FROM host_metric_sample ORDER BY host LIMIT 1000');
    return rows.map((r) => r.host);
  }
}
