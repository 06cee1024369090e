import { jetstreamManager, type ConsumerInfo, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { JobLease } from '@homelab/database';
import type { NatsConnectionManager } from '@homelab/platform';
import { raceWithin } from '@homelab/resilience';
import type { Logger } from '@homelab/tracing';
import type { ServiceAlerts } from '../monitor/catalog-monitor.service.js';
import { errorMessage } from '../util/error-message.js';
import { PeriodicTask } from '../util/periodic-task.js';
import { ConsumerTracker, type TrackedStatus } from './consumer-tracker.js';
import { DeadLetterStore } from './dead-letter-store.js';
import type { ConsumerHealth, JetStreamReport, StreamHealth } from './jetstream-report.js';

export interface JetStreamHealthOptions {
  nats: NatsConnectionManager;
  /** NATS_SUBJECT_PREFIX: the install's streams carry it (made name-safe) at the front of their names. */
  subjectPrefix: string;
  alerts: ServiceAlerts;
  lease: JobLease;
  logger: Logger;
  /** JETSTREAM_PENDING_ALERT */
  pendingAlert: number;
  /** JETSTREAM_ALERT_AFTER_MS */
  alertAfterMs: number;
  /** Default: a quarter of alertAfterMs, between 1 and 15 s. */
  sampleIntervalMs?: number;
  /** Bound on one round of JetStream API calls. Default 5 s. */
  timeoutMs?: number;
}

const LEASE = 'dashboard.jetstream-health';
export const JETSTREAM_ALERT_PREFIX = 'jetstream:';
/** A report younger than this is served as is. */
const FRESH_MS = 1000;

class JetStreamUnavailableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function lastActive(info: ConsumerInfo): string | null {
  // the server sends times here although the client types them as nanoseconds
  const times = [info.delivered.last_active, info.ack_floor.last_active]
    .map((t: unknown) => (typeof t === 'string' ? Date.parse(t) : NaN))
    .filter((t) => Number.isFinite(t) && t > 0);
  return times.length ? new Date(Math.max(...times)).toISOString() : null;
}

async function collect<T>(lister: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of lister) items.push(item);
  return items;
}

/**
 * Health of the install's background work: every consumer of every stream
 * with its lag, redeliveries and dead letters, judged over time (ok,
 * piling-up, stalled). Every replica samples (so each can answer the API);
 * only the lease holder opens and closes `jetstream:<stream>:<consumer>` alerts.
 */
export class JetStreamHealth {
  private readonly streamPrefix: string;
  private readonly tracker: ConsumerTracker;
  private readonly deadLetters: DeadLetterStore;
  private readonly task: PeriodicTask;
  private last: JetStreamReport | undefined;
  private lastAt = 0;
  private sampling: Promise<JetStreamReport> | undefined;

  constructor(private readonly options: JetStreamHealthOptions) {
    this.streamPrefix = options.subjectPrefix.replace(/[^A-Za-z0-9_-]/g, '_');
    this.tracker = new ConsumerTracker(options.pendingAlert, options.alertAfterMs);
    this.deadLetters = new DeadLetterStore(`${this.streamPrefix}DASHBOARD_DEAD_LETTERS`, options.logger);
    const interval = options.sampleIntervalMs ?? Math.min(15_000, Math.max(1000, Math.round(options.alertAfterMs / 4)));
    this.task = new PeriodicTask({ name: 'jetstream health', intervalMs: interval, logger: options.logger }, () => this.tick());
  }

  get deadLetterStreamName(): string {
    return this.deadLetters.streamName;
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.options.lease.release(LEASE).catch(() => undefined);
  }

  /** The latest report, sampled now unless one is fresh. Never throws: trouble is in `error`. */
  async report(): Promise<JetStreamReport> {
    if (this.last && Date.now() - this.lastAt < FRESH_MS) return this.last;
    return this.sample();
  }

  /** Samples now (single-flight) and remembers the report. */
  sample(): Promise<JetStreamReport> {
    this.sampling ??= this.collectReport()
      .then((report) => {
        this.last = report;
        this.lastAt = Date.now();
        return report;
      })
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  /** A sample, then (on the lease holder) the alerts; exposed for tests. */
  async tick(): Promise<void> {
    const report = await this.sample();
    if (report.error) return;
    await this.options.lease.runIfLeader(LEASE, () => this.updateAlerts(report));
  }

  private async collectReport(): Promise<JetStreamReport> {
    const checkedAt = new Date().toISOString();
    try {
      const timeoutMs = this.options.timeoutMs ?? 5000;
      const streams = await raceWithin(
        this.readStreams(timeoutMs),
        timeoutMs * 2,
        () => new JetStreamUnavailableError('JETSTREAM_TIMEOUT', `JetStream did not answer within ${timeoutMs * 2} ms`),
      );
      return { checkedAt, error: null, streams };
    } catch (error) {
      const failure =
        error instanceof JetStreamUnavailableError
          ? { code: error.code, message: error.message }
          : { code: 'JETSTREAM_UNAVAILABLE', message: `JetStream could not be asked: ${errorMessage(error)}` };
      return { checkedAt, error: failure, streams: [] };
    }
  }

  private async readStreams(timeoutMs: number): Promise<StreamHealth[]> {
    const status = this.options.nats.status();
    const nc = this.options.nats.current();
    if (!status.up || !nc) throw new JetStreamUnavailableError('NATS_UNAVAILABLE', `NATS is unreachable (${status.error ?? 'not connected'})`);
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    const all = await collect(jsm.streams.list());
    const mine = all.filter((s) => s.config.name.startsWith(this.streamPrefix)).sort((a, b) => a.config.name.localeCompare(b.config.name));
    await this.deadLetters.ensure(
      jsm,
      mine.map((s) => s.config.name).filter((name) => name !== this.deadLetters.streamName),
    );
    const dead = await this.deadLetters.counts(jsm).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'Dead letters could not be counted');
      return new Map<string, number>();
    });
    const now = Date.now();
    const streams = await Promise.all(mine.map((stream) => this.readStream(jsm, stream, dead, now)));
    this.tracker.forgetUnseen(now);
    return streams;
  }

  private async readStream(jsm: JetStreamManager, stream: StreamInfo, dead: Map<string, number>, now: number): Promise<StreamHealth> {
    const name = stream.config.name;
    const consumers = await collect(jsm.consumers.list(name));
    return {
      name,
      messages: stream.state.messages,
      bytes: stream.state.bytes,
      consumers: consumers
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((info): ConsumerHealth => {
          const tracked: TrackedStatus = this.tracker.update(
            `${name}/${info.name}`,
            { pending: info.num_pending, ackPending: info.num_ack_pending, ackFloor: info.ack_floor.stream_seq },
            now,
          );
          return {
            name: info.name,
            pending: info.num_pending,
            ackPending: info.num_ack_pending,
            redelivered: info.num_redelivered,
            deadLetters: dead.get(`${name}/${info.name}`) ?? 0,
            waiting: info.num_waiting,
            lastActiveAt: lastActive(info),
            status: tracked.status,
          };
        }),
    };
  }

  private async updateAlerts(report: JetStreamReport): Promise<void> {
    const seen = new Set<string>();
    for (const stream of report.streams) {
      for (const consumer of stream.consumers) {
        const key = `${JETSTREAM_ALERT_PREFIX}${stream.name}:${consumer.name}`;
        seen.add(key);
        try {
          if (consumer.status === 'ok') await this.options.alerts.resolve(key);
          else await this.options.alerts.raise(this.alertFor(key, stream.name, consumer));
        } catch (error) {
          this.options.logger.warn({ err: error, key }, 'Could not update a JetStream alert');
        }
      }
    }
    // consumers that no longer exist have nothing left to pile up
    const open = await this.options.alerts.openKeys(`${JETSTREAM_ALERT_PREFIX}${this.streamPrefix}`);
    for (const key of open) if (!seen.has(key)) await this.options.alerts.resolve(key);
  }

  private alertFor(key: string, stream: string, consumer: ConsumerHealth) {
    const minutes = Math.max(1, Math.round(this.options.alertAfterMs / 60_000));
    const stalled = consumer.status === 'stalled';
    return {
      key,
      source: 'jetstream' as const,
      severity: stalled ? ('critical' as const) : ('warning' as const),
      title: stalled ? `${consumer.name} on ${stream} is stalled` : `Work is piling up for ${consumer.name} on ${stream}`,
      message: stalled
        ? `${consumer.pending} messages waiting and ${consumer.ackPending} unacknowledged, with no progress for over ${minutes} min; is its worker running?`
        : `${consumer.pending} messages waiting (alert above ${this.options.pendingAlert}) for over ${minutes} min; the workers are not keeping up.`,
    };
  }
}
