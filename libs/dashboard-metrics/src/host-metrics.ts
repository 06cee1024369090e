import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { JobLease } from '@homelab/database';
import type { Logger } from '@homelab/tracing';
import { HostMetricsCollector } from './collector/host-metrics-collector.js';
import { SampleWriter } from './collector/sample-writer.js';
import { rawResolutionSeconds } from './history/history-plan.js';
import { HostMetricsService } from './host-metrics.service.js';
import { HostSampler, type SampleSource } from './sampler/host-sampler.js';
import { DownsampleJob } from './store/downsample-job.js';
import { HostMetricsDownsampler } from './store/downsampler.js';
import { HostMetricsRepository } from './store/host-metrics.repository.js';

export interface HostMetricsOptions {
  pool: Pool;
  logger: Logger;
  /** HOST_METRICS_INTERVAL_MS */
  intervalMs: number;
  /** HOST_METRICS_RETENTION_DAYS */
  retentionDays: number;
  /** Unique per replica: the holder of the downsampling lease. */
  instanceId: string;
  /** The name this machine's samples are recorded under; default its hostname. */
  host?: string;
  /** How often downsampling runs; default 5 minutes (one bucket). */
  downsamplePeriodMs?: number;
  /** Resolves when host_metric_sample exists (the service's migrations are applied); samples queue until then. */
  databaseReady?: Promise<unknown>;
  /** Samples from somewhere else than systeminformation (tests of the wiring). */
  source?: SampleSource & { prime?: () => Promise<void> };
}

const FIVE_MINUTES_MS = 300_000;
/** Samples kept in memory while the database is away: an hour at the default interval. */
const MAX_BUFFERED_SAMPLES = 360;

/**
 * Host metrics of one replica, assembled: the sampler of this machine, its
 * collector (live feed, writer), the repository, the downsampling job and
 * the service the HTTP API uses. `start()` and `stop()` bracket the
 * background work; `stop()` never rejects.
 */
export class HostMetrics {
  readonly host: string;
  readonly repository: HostMetricsRepository;
  readonly collector: HostMetricsCollector;
  readonly downsampler: HostMetricsDownsampler;
  readonly downsampleJob: DownsampleJob;
  readonly service: HostMetricsService;
  private readonly databaseReady: Promise<unknown>;

  constructor(options: HostMetricsOptions) {
    this.databaseReady = options.databaseReady ?? Promise.resolve();
    this.host = options.host ?? hostname();
    const resolution = rawResolutionSeconds(options.intervalMs);
    const periodMs = options.downsamplePeriodMs ?? FIVE_MINUTES_MS;
    this.repository = new HostMetricsRepository(options.pool);
    const source =
      options.source ??
      new HostSampler({ host: this.host, logger: options.logger, readingTimeoutMs: readingTimeoutMs(options.intervalMs) });
    const writer = new SampleWriter(this.repository, {
      resolutionSeconds: resolution,
      maxBuffered: MAX_BUFFERED_SAMPLES,
      logger: options.logger,
      ...(options.databaseReady ? { ready: options.databaseReady } : {}),
    });
    this.collector = new HostMetricsCollector({ source, intervalMs: options.intervalMs, writer, logger: options.logger });
    this.downsampler = new HostMetricsDownsampler(options.pool, { retentionDays: options.retentionDays });
    this.downsampleJob = new DownsampleJob({
      downsampler: this.downsampler,
      // twice the period: a replica that misses one run keeps the lease, one that is gone loses it soon
      lease: new JobLease(options.pool, options.instanceId, 2 * periodMs + 60_000),
      periodMs,
      logger: options.logger,
    });
    this.service = new HostMetricsService({
      collector: this.collector,
      repository: this.repository,
      localHost: this.host,
      intervalMs: options.intervalMs,
      rawResolutionSeconds: resolution,
      logger: options.logger,
    });
  }

  start(): void {
    this.collector.start();
    // a stopped job ignores a late start
    this.databaseReady.then(
      () => this.downsampleJob.start(),
      () => undefined,
    );
  }

  async stop(): Promise<void> {
    this.service.stopFeeds();
    await Promise.all([this.collector.stop(), this.downsampleJob.stop()]);
  }
}

/** A part of a sample may take most of an interval, but not more than 5 s, nor be cut short below 1 s. */
export function readingTimeoutMs(intervalMs: number): number {
  return Math.min(5000, Math.max(1000, Math.floor(intervalMs * 0.8)));
}
