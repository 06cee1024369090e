import type pg from 'pg';
import type { CatalogHistory, CatalogHistoryPoint, CatalogHistoryRange } from '@homelab/dashboard-api';
import type { CheckOutcome, CheckStatus } from '../checks/check-outcome.js';

export type TargetKind = 'service' | 'domain';

export interface LatestResult {
  target: string;
  status: CheckStatus;
  responseMs: number | null;
  error: string | null;
  checkedAt: string;
}

export interface UptimeFigures {
  /** Percent of checks in the last 24 h / 7 d that found the service answering (up or degraded); null without checks. */
  uptime24h: number | null;
  uptime7d: number | null;
}

/** One bucket of a catalog service's history (`CatalogHistoryPoint` of the API). */
export type HistoryPoint = CatalogHistoryPoint;

export const HISTORY_RANGES = {
  '24h': { hours: 24, bucketSeconds: 60 },
  '7d': { hours: 168, bucketSeconds: 600 },
  '30d': { hours: 720, bucketSeconds: 1800 },
} as const satisfies Record<CatalogHistoryRange, { hours: number; bucketSeconds: number }>;
export type HistoryRange = CatalogHistoryRange;

const round2 = (value: number | string | null): number | null => (value === null ? null : Math.round(Number(value) * 100) / 100);

/**
 * Check results (table monitor_result), shared with the domain checks
 * (target_kind 'domain'). Uptime and averages are computed in SQL, on the
 * (target_kind, target, checked_at) index.
 */
export class MonitorResultRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly kind: TargetKind,
  ) {}

  async record(target: string, outcome: CheckOutcome, detail: Record<string, unknown> = {}): Promise<void> {
    await this.pool.query(
      `insert into monitor_result (target_kind, target, ok, status, response_ms, detail) values ($1, $2, $3, $4, $5, $6)`,
      [this.kind, target, outcome.status !== 'down', outcome.status, outcome.responseMs, { ...detail, error: outcome.error, accepted: outcome.accepted ?? false }],
    );
  }

  /** The last `count` results of a target, newest first. */
  async recent(target: string, count: number): Promise<(HistoryPoint & { accepted: boolean })[]> {
    const result = await this.pool.query<{ checked_at: Date; status: CheckStatus; response_ms: number | null; detail: { error?: string | null; accepted?: boolean } }>(
      `select checked_at, status, response_ms, detail from monitor_result
        where target_kind = $1 and target = $2 order by checked_at desc limit $3`,
      [this.kind, target, count],
    );
    return result.rows.map((r) => ({
      at: r.checked_at.toISOString(),
      status: r.status,
      responseMs: r.response_ms,
      error: r.detail.error ?? null,
      accepted: r.detail.accepted === true,
    }));
  }

  /** The newest status per target, in one query. */
  async latestStatuses(targets: readonly string[]): Promise<Map<string, CheckStatus>> {
    if (targets.length === 0) return new Map();
    const result = await this.pool.query<{ target: string; status: CheckStatus }>(
      `select t.target, r.status from unnest($2::text[]) as t(target)
         cross join lateral (select status from monitor_result where target_kind = $1 and target = t.target order by checked_at desc limit 1) r`,
      [this.kind, targets],
    );
    return new Map(result.rows.map((r) => [r.target, r.status]));
  }

  /** The newest result per target, plus uptime over 24 h and 7 d, for many targets in two queries. */
  async summaries(targets: readonly string[]): Promise<Map<string, LatestResult & UptimeFigures>> {
    if (targets.length === 0) return new Map();
    const [latest, uptime] = await Promise.all([
      this.pool.query<{ target: string; status: CheckStatus; response_ms: number | null; error: string | null; checked_at: Date }>(
        `select t.target, r.status, r.response_ms, r.detail->>'error' as error, r.checked_at
           from unnest($2::text[]) as t(target)
           cross join lateral (select status, response_ms, detail, checked_at from monitor_result
                                where target_kind = $1 and target = t.target order by checked_at desc limit 1) r`,
        [this.kind, targets],
      ),
      this.pool.query<{ target: string; uptime24h: string | null; uptime7d: string | null }>(
        `select target,
                100.0 * avg(case when ok then 1 else 0 end) filter (where checked_at > now() - interval '24 hours') as uptime24h,
                100.0 * avg(case when ok then 1 else 0 end) as uptime7d
           from monitor_result
          where target_kind = $1 and target = any($2::text[]) and checked_at > now() - interval '7 days'
          group by target`,
        [this.kind, targets],
      ),
    ]);
    const figures = new Map(uptime.rows.map((r) => [r.target, { uptime24h: round2(r.uptime24h), uptime7d: round2(r.uptime7d) }]));
    return new Map(
      latest.rows.map((r) => [
        r.target,
        {
          target: r.target,
          status: r.status,
          responseMs: r.response_ms,
          error: r.error,
          checkedAt: r.checked_at.toISOString(),
          ...(figures.get(r.target) ?? { uptime24h: null, uptime7d: null }),
        },
      ]),
    );
  }

  /**
   * Results over `range`, in buckets (the worst status, the average response
   * time and the latest error of each), so 30 days stay a chart-sized answer.
   */
  async history(target: string, range: HistoryRange): Promise<Omit<CatalogHistory, 'id'>> {
    const { hours, bucketSeconds } = HISTORY_RANGES[range];
    const [summary, points] = await Promise.all([
      this.pool.query<{ uptime: string | null; average: string | null }>(
        `select 100.0 * avg(case when ok then 1 else 0 end) as uptime, avg(response_ms) as average
           from monitor_result where target_kind = $1 and target = $2 and checked_at > now() - make_interval(hours => $3)`,
        [this.kind, target, hours],
      ),
      this.pool.query<{ at: Date; status: CheckStatus; response_ms: string | null; error: string | null }>(
        `select date_bin(make_interval(secs => $4), checked_at, timestamptz '2000-01-01') as at,
                case when bool_or(status = 'down') then 'down' when bool_or(status = 'degraded') then 'degraded' else 'up' end as status,
                round(avg(response_ms)) as response_ms,
                (array_agg(detail->>'error' order by checked_at desc) filter (where detail->>'error' is not null))[1] as error
           from monitor_result
          where target_kind = $1 and target = $2 and checked_at > now() - make_interval(hours => $3)
          group by 1 order by 1`,
        [this.kind, target, hours, bucketSeconds],
      ),
    ]);
    const row = summary.rows[0];
    return {
      uptime: round2(row?.uptime ?? null),
      averageResponseMs: row?.average === null || row?.average === undefined ? null : Math.round(Number(row.average)),
      results: points.rows.map((p) => ({
        at: p.at.toISOString(),
        status: p.status,
        responseMs: p.response_ms === null ? null : Number(p.response_ms),
        error: p.error,
      })),
    };
  }

  /** Deletes results older than `days`; returns how many. */
  async prune(days: number): Promise<number> {
    const result = await this.pool.query(
      `delete from monitor_result where target_kind = $1 and checked_at < now() - make_interval(days => $2)`,
      [this.kind, days],
    );
    return result.rowCount ?? 0;
  }
}
