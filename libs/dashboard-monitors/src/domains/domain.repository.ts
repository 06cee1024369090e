import type pg from 'pg';
import { LINK_SCAN_COLUMNS, toLinkScan, type LinkScanRow } from '../linkscan/link-scan-row.js';
import { readCheckDetail, type DomainCheckDetail } from './domain-check-detail.js';
import { DomainExistsError } from './domain-errors.js';
import type { DomainPatch, NewDomain } from './domain-input.js';
import type { DomainCheck, DomainHealth, LinkScan, MonitoredDomain } from './domain.types.js';

export interface DomainRow {
  id: string;
  name: string;
  port: number;
  path: string;
  warn_days: number | null;
  critical_days: number | null;
  link_scan: boolean;
  created_at: Date;
  created_by: string | null;
}

interface StatusRow extends DomainRow {
  checked_at: Date | null;
  check_status: DomainHealth | null;
  detail: unknown;
  scan_id: string | null;
  scan_status: LinkScanRow['status'] | null;
  scan_started_at: Date | null;
  scan_finished_at: Date | null;
  scan_pages: number | null;
  scan_links: number | null;
  scan_broken_count: number | null;
  scan_error: string | null;
}

/** A domain with its latest check and latest link scan, as stored. */
export interface DomainStatusRecord {
  domain: MonitoredDomain;
  latest: { checkedAt: string; status: DomainHealth; detail: DomainCheckDetail } | null;
  lastScan: LinkScan | null;
}

export const DOMAIN_COLUMNS = 'd.id, d.name, d.port, d.path, d.warn_days, d.critical_days, d.link_scan, d.created_at, d.created_by';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIQUE_VIOLATION = '23505';
/** monitor_result rows of this feature; `target` is the domain's id, so renaming keeps the history. */
const TARGET_KIND = 'domain';

export const isUuid = (value: string): boolean => UUID.test(value);

export function toDomain(row: DomainRow): MonitoredDomain {
  return {
    id: row.id,
    name: row.name,
    port: row.port,
    path: row.path,
    warnDays: row.warn_days,
    criticalDays: row.critical_days,
    linkScan: row.link_scan,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

function scanOf(row: StatusRow): LinkScan | null {
  if (!row.scan_id || !row.scan_status || !row.scan_started_at) return null;
  return toLinkScan({
    id: row.scan_id,
    status: row.scan_status,
    started_at: row.scan_started_at,
    finished_at: row.scan_finished_at,
    pages: row.scan_pages ?? 0,
    links: row.scan_links ?? 0,
    broken_count: row.scan_broken_count ?? 0,
    error: row.scan_error,
  });
}

function toStatusRecord(row: StatusRow): DomainStatusRecord {
  return {
    domain: toDomain(row),
    latest: row.checked_at && row.check_status ? { checkedAt: row.checked_at.toISOString(), status: row.check_status, detail: readCheckDetail(row.detail) } : null,
    lastScan: scanOf(row),
  };
}

const isUniqueViolation = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;

const PATCH_COLUMNS: Record<keyof DomainPatch, string> = {
  name: 'name',
  port: 'port',
  path: 'path',
  warnDays: 'warn_days',
  criticalDays: 'critical_days',
  linkScan: 'link_scan',
};

/** monitored_domain and the domain rows of monitor_result, in SQL over the service's pool. */
export class DomainRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<MonitoredDomain[]> {
    const result = await this.pool.query<DomainRow>(`select ${DOMAIN_COLUMNS} from monitored_domain d order by d.name, d.port, d.path`);
    return result.rows.map(toDomain);
  }

  async get(id: string): Promise<MonitoredDomain | undefined> {
    if (!isUuid(id)) return undefined;
    const result = await this.pool.query<DomainRow>(`select ${DOMAIN_COLUMNS} from monitored_domain d where d.id = $1`, [id]);
    return result.rows[0] ? toDomain(result.rows[0]) : undefined;
  }

  async create(input: NewDomain, createdBy: string | null): Promise<MonitoredDomain> {
    try {
      const result = await this.pool.query<DomainRow>(
        `insert into monitored_domain as d (name, port, path, warn_days, critical_days, link_scan, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning ${DOMAIN_COLUMNS}`,
        [input.name, input.port, input.path, input.warnDays, input.criticalDays, input.linkScan, createdBy],
      );
      return toDomain(result.rows[0] as DomainRow);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainExistsError(input.name, input.port, input.path);
      throw error;
    }
  }

  /** Applies the fields present in `patch`; undefined when the domain is gone. */
  async update(id: string, patch: DomainPatch): Promise<MonitoredDomain | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const entries = (Object.keys(PATCH_COLUMNS) as (keyof DomainPatch)[]).filter((key) => patch[key] !== undefined);
    if (entries.length === 0) return current;
    const sets = entries.map((key, index) => `${PATCH_COLUMNS[key]} = $${index + 2}`);
    try {
      const result = await this.pool.query<DomainRow>(`update monitored_domain as d set ${sets.join(', ')} where d.id = $1 returning ${DOMAIN_COLUMNS}`, [
        id,
        ...entries.map((key) => patch[key]),
      ]);
      return result.rows[0] ? toDomain(result.rows[0]) : undefined;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainExistsError(patch.name ?? current.name, patch.port ?? current.port, patch.path ?? current.path);
      throw error;
    }
  }

  /** Deletes the domain (its scans cascade) and its check history; returns what was deleted. */
  async delete(id: string): Promise<MonitoredDomain | undefined> {
    if (!isUuid(id)) return undefined;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await client.query<DomainRow>(`delete from monitored_domain d where d.id = $1 returning ${DOMAIN_COLUMNS}`, [id]);
      await client.query('delete from monitor_result where target_kind = $1 and target = $2', [TARGET_KIND, id]);
      await client.query('commit');
      return result.rows[0] ? toDomain(result.rows[0]) : undefined;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** How many domains watch `name` (on `port` when given): alert keys are shared by them. */
  async countWatching(name: string, port?: number): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      'select count(*)::int as n from monitored_domain where name = $1 and ($2::int is null or port = $2::int)',
      [name, port ?? null],
    );
    return result.rows[0]?.n ?? 0;
  }

  async recordCheck(domainId: string, check: DomainCheck): Promise<void> {
    const detail = { dns: check.dns, http: check.http, tls: check.tls, thresholds: check.thresholds };
    await this.pool.query(
      `insert into monitor_result (target_kind, target, checked_at, ok, status, response_ms, detail) values ($1, $2, $3, $4, $5, $6, $7)`,
      [TARGET_KIND, domainId, check.checkedAt, check.status !== 'down', check.status, check.http?.responseMs ?? null, JSON.stringify(detail)],
    );
  }

  /** Every domain (or one) with its latest check and latest link scan, in one query. */
  async statuses(id?: string): Promise<DomainStatusRecord[]> {
    if (id !== undefined && !isUuid(id)) return [];
    const result = await this.pool.query<StatusRow>(
      `select ${DOMAIN_COLUMNS},
              r.checked_at, r.status as check_status, r.detail,
              s.id as scan_id, s.status as scan_status, s.started_at as scan_started_at, s.finished_at as scan_finished_at,
              s.pages as scan_pages, s.links as scan_links, s.broken_count as scan_broken_count, s.error as scan_error
         from monitored_domain d
         left join lateral (
           select checked_at, status, detail from monitor_result
            where target_kind = '${TARGET_KIND}' and target = d.id::text order by checked_at desc limit 1
         ) r on true
         left join lateral (
           select ${LINK_SCAN_COLUMNS} from link_scan s where s.domain_id = d.id order by s.started_at desc limit 1
         ) s on true
        where ($1::uuid is null or d.id = $1::uuid)
        order by d.name, d.port, d.path`,
      [id ?? null],
    );
    return result.rows.map(toStatusRecord);
  }

  /** Domains never checked, or last checked longer than `intervalMs` ago (by any replica). */
  async dueForCheck(intervalMs: number): Promise<MonitoredDomain[]> {
    const result = await this.pool.query<DomainRow>(
      `select ${DOMAIN_COLUMNS} from monitored_domain d
        where not exists (
          select 1 from monitor_result r
           where r.target_kind = '${TARGET_KIND}' and r.target = d.id::text
             and r.checked_at > now() - make_interval(secs => $1::double precision / 1000))
        order by d.name, d.port, d.path`,
      [intervalMs],
    );
    return result.rows.map(toDomain);
  }

  /** Drops check history older than `days` days. */
  async pruneResults(days: number): Promise<number> {
    const result = await this.pool.query(
      `delete from monitor_result where target_kind = '${TARGET_KIND}' and checked_at < now() - make_interval(days => $1::int)`,
      [days],
    );
    return result.rowCount ?? 0;
  }
}
