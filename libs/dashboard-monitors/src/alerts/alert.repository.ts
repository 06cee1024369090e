import type pg from 'pg';
import type { AlertSeverity, AlertSource } from '@homelab/contracts';
import type { AlertCondition } from './alert-sink.js';
import type { OutboxAlert } from './stored-alert.js';

interface AlertRow {
  id: string;
  key: string;
  source: AlertSource;
  severity: AlertSeverity;
  title: string;
  message: string;
  raised_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  revision: number;
  published_revision: number;
}

const COLUMNS =
  'id, key, source, severity, title, message, raised_at, resolved_at, acknowledged_at, acknowledged_by, revision, published_revision';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toAlert(row: AlertRow): OutboxAlert {
  return {
    id: row.id,
    key: row.key,
    source: row.source,
    severity: row.severity,
    title: row.title,
    message: row.message,
    raisedAt: row.raised_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    revision: row.revision,
    publishedRevision: row.published_revision,
  };
}

/**
 * The alert table. Every transition is one statement, so replicas racing on
 * the same key cannot open two alerts (the partial unique index
 * `alert_open_key` backs the upsert) or resolve one twice. `revision` is
 * bumped by each transition NATS must hear of, in the same statement: the
 * row is its own outbox.
 */
export class AlertRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Opens the alert, or updates the open one; undefined when nothing changed. */
  async upsertOpen(condition: AlertCondition): Promise<{ alert: OutboxAlert; transition: 'opened' | 'severity' | 'text' } | undefined> {
    const result = await this.pool.query<AlertRow & { inserted: boolean; severity_changed: boolean }>(
      `with previous as (select severity from alert where key = $1 and resolved_at is null)
       insert into alert as a (key, source, severity, title, message) values ($1, $2, $3, $4, $5)
       on conflict (key) where resolved_at is null do update
         set source = excluded.source, severity = excluded.severity, title = excluded.title, message = excluded.message,
             revision = a.revision + case when a.severity <> excluded.severity then 1 else 0 end
         where a.severity <> excluded.severity or a.title <> excluded.title or a.message <> excluded.message or a.source <> excluded.source
       returning ${COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}, (xmax = 0) as inserted,
                 coalesce((select severity from previous) <> a.severity, false) as severity_changed`,
      [condition.key, condition.source, condition.severity, condition.title, condition.message],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const transition = row.inserted ? 'opened' : row.severity_changed ? 'severity' : 'text';
    return { alert: toAlert(row), transition };
  }

  /** Closes the open alert of `key`; undefined when none was open. */
  async resolve(key: string): Promise<OutboxAlert | undefined> {
    const result = await this.pool.query<AlertRow>(
      `update alert set resolved_at = now(), revision = revision + 1 where key = $1 and resolved_at is null returning ${COLUMNS}`,
      [key],
    );
    const row = result.rows[0];
    return row ? toAlert(row) : undefined;
  }

  async list(state: 'open' | 'all', limit = 500): Promise<OutboxAlert[]> {
    const where = state === 'open' ? 'where resolved_at is null' : '';
    const result = await this.pool.query<AlertRow>(`select ${COLUMNS} from alert ${where} order by raised_at desc, id limit $1`, [limit]);
    return result.rows.map(toAlert);
  }

  /** Keys of the open alerts starting with `prefix` (e.g. `service:`). */
  async openKeys(prefix: string): Promise<string[]> {
    const result = await this.pool.query<{ key: string }>(
      `select key from alert where resolved_at is null and starts_with(key, $1)`,
      [prefix],
    );
    return result.rows.map((r) => r.key);
  }

  async counts(): Promise<{ open: number; critical: number }> {
    const result = await this.pool.query<{ open: number; critical: number }>(
      `select count(*)::int as open, count(*) filter (where severity = 'critical')::int as critical from alert where resolved_at is null`,
    );
    return result.rows[0] ?? { open: 0, critical: 0 };
  }

  /** Marks an alert seen; the first acknowledgement is kept. Undefined when there is no such alert. */
  async acknowledge(id: string, by: string): Promise<OutboxAlert | undefined> {
    if (!UUID.test(id)) return undefined;
    const result = await this.pool.query<AlertRow>(
      `update alert set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2)
        where id = $1 returning ${COLUMNS}`,
      [id, by],
    );
    const row = result.rows[0];
    return row ? toAlert(row) : undefined;
  }

  /** Alerts whose latest transition NATS has not confirmed, oldest first. */
  async unpublished(limit: number): Promise<OutboxAlert[]> {
    const result = await this.pool.query<AlertRow>(
      `select ${COLUMNS} from alert where published_revision < revision order by raised_at limit $1`,
      [limit],
    );
    return result.rows.map(toAlert);
  }

  /** Records that NATS has `revision`; never moves backwards (replicas may publish the same row). */
  async markPublished(id: string, revision: number): Promise<void> {
    await this.pool.query('update alert set published_revision = greatest(published_revision, $2) where id = $1', [id, revision]);
  }
}
