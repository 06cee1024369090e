import type pg from 'pg';
import type { BrokenLink, LinkScan, LinkScanDetail, MonitoredDomain } from '../domains/domain.types.js';
import { DOMAIN_COLUMNS, isUuid, toDomain, type DomainRow } from '../domains/domain.repository.js';
import { LINK_SCAN_COLUMNS, toLinkScan, type LinkScanRow } from './link-scan-row.js';

export interface ScanProgress {
  pages: number;
  links: number;
  broken: readonly BrokenLink[];
}

const toBroken = (value: unknown): BrokenLink[] => (Array.isArray(value) ? (value as BrokenLink[]) : []);

/** link_scan rows: one per scan, progress counters updated while it runs. */
export class LinkScanRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Starts a scan of the domain unless one is running; returns the running
   * one otherwise. An advisory lock per domain makes this exact across
   * replicas without a partial unique index.
   */
  async startIfIdle(domainId: string): Promise<{ scan: LinkScan; started: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtext('link_scan:' || $1::text))`, [domainId]);
      const running = await client.query<LinkScanRow>(
        `select ${LINK_SCAN_COLUMNS} from link_scan s where s.domain_id = $1 and s.status = 'running' order by s.started_at desc limit 1`,
        [domainId],
      );
      if (running.rows[0]) {
        await client.query('commit');
        return { scan: toLinkScan(running.rows[0]), started: false };
      }
      const inserted = await client.query<LinkScanRow>(
        `insert into link_scan as s (domain_id, status) values ($1, 'running') returning ${LINK_SCAN_COLUMNS}`,
        [domainId],
      );
      await client.query('commit');
      return { scan: toLinkScan(inserted.rows[0] as LinkScanRow), started: true };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Updates the counters of a running scan; false when it is no longer running (domain deleted, marked stale). */
  async progress(scanId: string, progress: ScanProgress): Promise<boolean> {
    const result = await this.pool.query(
      `update link_scan set pages = $2, links = $3, broken = $4 where id = $1 and status = 'running'`,
      [scanId, progress.pages, progress.links, JSON.stringify(progress.broken)],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async finish(scanId: string, outcome: ScanProgress & { status: 'done' | 'failed'; error: string | null }): Promise<LinkScan | undefined> {
    const result = await this.pool.query<LinkScanRow>(
      `update link_scan as s set status = $2, finished_at = now(), pages = $3, links = $4, broken = $5, error = $6
        where s.id = $1 and s.status = 'running' returning ${LINK_SCAN_COLUMNS}`,
      [scanId, outcome.status, outcome.pages, outcome.links, JSON.stringify(outcome.broken), outcome.error],
    );
    return result.rows[0] ? toLinkScan(result.rows[0]) : undefined;
  }

  async latest(domainId: string): Promise<LinkScanDetail | null> {
    if (!isUuid(domainId)) return null;
    const result = await this.pool.query<LinkScanRow & { broken: unknown }>(
      `select ${LINK_SCAN_COLUMNS}, s.broken from link_scan s where s.domain_id = $1 order by s.started_at desc limit 1`,
      [domainId],
    );
    const row = result.rows[0];
    return row ? { ...toLinkScan(row), broken: toBroken(row.broken) } : null;
  }

  /** Scans left `running` by a replica that died: failed, so the domain can be scanned again. */
  async failStale(olderThanMs: number, reason: string): Promise<number> {
    const result = await this.pool.query(
      `update link_scan set status = 'failed', finished_at = now(), error = $2
        where status = 'running' and started_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [olderThanMs, reason],
    );
    return result.rowCount ?? 0;
  }

  /** Domains with link scans on whose last scan started longer than `intervalMs` ago (or never), none running. */
  async dueDomains(intervalMs: number): Promise<MonitoredDomain[]> {
    const result = await this.pool.query<DomainRow>(
      `select ${DOMAIN_COLUMNS} from monitored_domain d
        where d.link_scan
          and not exists (
            select 1 from link_scan s where s.domain_id = d.id
               and (s.status = 'running' or s.started_at > now() - make_interval(secs => $1::double precision / 1000)))
        order by d.name, d.port, d.path`,
      [intervalMs],
    );
    return result.rows.map(toDomain);
  }

  /** Keeps the newest `keep` scans of each domain. */
  async prune(keep: number): Promise<number> {
    const result = await this.pool.query(
      `delete from link_scan where id in (
         select id from (select id, row_number() over (partition by domain_id order by started_at desc) as n from link_scan) ranked where n > $1)`,
      [keep],
    );
    return result.rowCount ?? 0;
  }
}
