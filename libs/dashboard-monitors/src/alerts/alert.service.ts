import type pg from 'pg';
import { dashboardAlertRaised, dashboardAlertResolved, type DashboardAlert, type EventContract, type PayloadOf } from '@homelab/contracts';
import { raceWithin } from '@homelab/resilience';
import type { Logger } from '@homelab/tracing';
import { PeriodicTask } from '../util/periodic-task.js';
import { AlertNotFoundError } from './alert-errors.js';
import { AlertRepository } from './alert.repository.js';
import type { AlertCondition, AlertSink } from './alert-sink.js';
import type { OutboxAlert, StoredAlert } from './stored-alert.js';

/** What publishes alert events durably: `EventStream` from @homelab/platform. */
export interface AlertEventPublisher {
  publish<C extends EventContract>(contract: C, payload: PayloadOf<C>, messageId: string): Promise<void>;
}

export interface AlertServiceOptions {
  pool: pg.Pool;
  events: AlertEventPublisher;
  logger: Logger;
  /** False while NATS is unreachable: the relay then waits instead of queueing publishes. */
  natsUp?: () => boolean;
  /** How often unpublished transitions are retried. Default 5 s. */
  relayIntervalMs?: number;
  /** Bound on one publish. Default 5 s. */
  publishTimeoutMs?: number;
}

const TITLE_MAX = 200;
const MESSAGE_MAX = 2000;
const RELAY_BATCH = 100;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function toEvent(alert: StoredAlert, resolvedAt: string | null): DashboardAlert {
  return {
    id: alert.id,
    key: alert.key,
    source: alert.source,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    raisedAt: alert.raisedAt,
    resolvedAt,
  };
}

function visible(alert: OutboxAlert): StoredAlert {
  const { revision: _r, publishedRevision: _p, ...rest } = alert;
  return rest;
}

/**
 * The dashboard's alerts. A transition is committed to PostgreSQL first
 * (with its revision bumped in the same statement) and published to
 * JetStream afterwards by a relay, so a NATS outage or a crash between the
 * two never loses an event: whichever replica's relay runs next publishes
 * it. Message ids (`<alert id>:raised:<revision>`, `<alert id>:resolved`)
 * make the relay's repeats, and two replicas' relays racing, harmless.
 */
export class AlertService implements AlertSink {
  private readonly repository: AlertRepository;
  private readonly relay: PeriodicTask;
  private failing = false;

  constructor(private readonly options: AlertServiceOptions) {
    this.repository = new AlertRepository(options.pool);
    this.relay = new PeriodicTask(
      { name: 'alert relay', intervalMs: options.relayIntervalMs ?? 5000, logger: options.logger },
      async () => void (await this.flush()),
    );
  }

  async raise(condition: AlertCondition): Promise<void> {
    const changed = await this.repository.upsertOpen({
      ...condition,
      title: clip(condition.title, TITLE_MAX),
      message: clip(condition.message, MESSAGE_MAX),
    });
    if (changed && changed.transition !== 'text') this.kick();
  }

  async resolve(key: string): Promise<void> {
    if (await this.repository.resolve(key)) this.kick();
  }

  async list(state: 'open' | 'all'): Promise<StoredAlert[]> {
    return (await this.repository.list(state)).map(visible);
  }

  async acknowledge(id: string, by: string): Promise<StoredAlert> {
    const alert = await this.repository.acknowledge(id, by);
    if (!alert) throw new AlertNotFoundError(id);
    return visible(alert);
  }

  openKeys(prefix: string): Promise<string[]> {
    return this.repository.openKeys(prefix);
  }

  counts(): Promise<{ open: number; critical: number }> {
    return this.repository.counts();
  }

  /** Starts the relay that retries unpublished transitions. */
  start(): void {
    this.relay.start();
  }

  stop(): Promise<void> {
    return this.relay.stop();
  }

  /** Publishes every transition NATS has not confirmed yet; stops at the first failure. */
  async flush(): Promise<{ published: number; pending: number }> {
    if (this.options.natsUp && !this.options.natsUp()) return { published: 0, pending: -1 };
    const rows = await this.repository.unpublished(RELAY_BATCH);
    let published = 0;
    for (const row of rows) {
      try {
        await this.publishRow(row);
        await this.repository.markPublished(row.id, row.revision);
        published++;
      } catch (error) {
        if (!this.failing) this.options.logger.warn({ err: error, alert: row.id }, 'Alert event not published yet; will retry');
        this.failing = true;
        return { published, pending: rows.length - published };
      }
    }
    if (this.failing && rows.length > 0) this.options.logger.info('Alert events published again');
    this.failing = false;
    return { published, pending: 0 };
  }

  private async publishRow(row: OutboxAlert): Promise<void> {
    if (row.resolvedAt === null) {
      await this.publish(dashboardAlertRaised, toEvent(row, null), `${row.id}:raised:${row.revision}`);
      return;
    }
    // resolved before NATS heard it open: announce the opening first, so no receiver sees a resolution out of nowhere
    if (row.publishedRevision === 0) await this.publish(dashboardAlertRaised, toEvent(row, null), `${row.id}:raised:1`);
    await this.publish(dashboardAlertResolved, toEvent(row, row.resolvedAt), `${row.id}:resolved`);
  }

  private publish(contract: EventContract, payload: DashboardAlert, messageId: string): Promise<void> {
    const timeoutMs = this.options.publishTimeoutMs ?? 5000;
    return raceWithin(
      this.options.events.publish(contract, payload, messageId),
      timeoutMs,
      () => new Error(`publishing ${contract.subject} took longer than ${timeoutMs} ms`),
    );
  }

  private kick(): void {
    void this.relay.runNow();
  }
}
