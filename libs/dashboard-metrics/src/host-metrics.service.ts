import { DomainError } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';
import type { HostMetricsCollector } from './collector/host-metrics-collector.js';
import { RemoteHostFeed } from './collector/remote-host-feed.js';
import type { SampleListener } from './collector/sample-hub.js';
import { planHistory } from './history/history-plan.js';
import { MetricsHostUnknownError, MetricsNotReadyError, MetricsStoreUnavailableError } from './host-metrics-errors.js';
import type { HistoryRange, HostHistory, HostSample } from './host-sample.js';
import type { HostMetricsRepository } from './store/host-metrics.repository.js';

export interface HostMetricsServiceOptions {
  collector: HostMetricsCollector;
  repository: HostMetricsRepository;
  /** This machine's name, the default `host`. */
  localHost: string;
  intervalMs: number;
  rawResolutionSeconds: number;
  logger: Logger;
  now?: () => Date;
}

/** Raw rows a history answer holds at most (a safety net; planned ranges give a few hundred). */
const MAX_RAW_POINTS = 2000;

/**
 * What the HTTP API asks of host metrics: the current sample, history at a
 * resolution fitting the range, and live samples. The own machine is served
 * from memory; other machines (recorded by other replicas) from the table.
 */
export class HostMetricsService {
  private readonly remoteFeeds = new Map<string, RemoteHostFeed>();
  private readonly now: () => Date;

  constructor(private readonly options: HostMetricsServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get localHost(): string {
    return this.options.localHost;
  }

  /** The latest sample of this machine, if one was taken (for the overview). */
  latestLocal(): HostSample | undefined {
    return this.options.collector.latest();
  }

  async current(host?: string): Promise<HostSample> {
    const target = host ?? this.localHost;
    if (target === this.localHost) {
      const latest = this.options.collector.latest();
      if (!latest) throw new MetricsNotReadyError(target, Math.ceil(Math.min(this.options.intervalMs, 1000) / 1000));
      return latest;
    }
    const stored = await this.fromStore(() => this.options.repository.latest(target));
    if (!stored) throw await this.unknownHost(target);
    return stored;
  }

  async history(range: HistoryRange, host?: string): Promise<HostHistory> {
    const target = await this.knownHost(host);
    const plan = planHistory(range, this.options.rawResolutionSeconds, this.now());
    const window = { host: target, from: plan.from, to: plan.to };
    const samples = await this.fromStore(() =>
      plan.raw ? this.options.repository.rows(window, MAX_RAW_POINTS) : this.options.repository.bucketed(window, plan.resolutionSeconds),
    );
    return { host: target, range, resolutionSeconds: plan.resolutionSeconds, samples };
  }

  /**
   * Checks `host` (404 when nothing was recorded for it) and returns the
   * name to subscribe to: call before answering a stream request, so the
   * error is an HTTP status rather than a dead stream.
   */
  async knownHost(host?: string): Promise<string> {
    const target = host ?? this.localHost;
    if (target === this.localHost) return target;
    if (!(await this.fromStore(() => this.options.repository.hasHost(target)))) throw await this.unknownHost(target);
    return target;
  }

  /** Every new sample of `host` (the latest at once, if any); returns the removal. */
  subscribe(host: string, listener: SampleListener): () => void {
    if (host === this.localHost) return this.options.collector.subscribe(listener);
    return this.remoteFeed(host).subscribe(listener);
  }

  /** Listeners of all hosts (for tests and diagnostics). */
  get listenerCount(): number {
    let count = this.options.collector.listenerCount;
    for (const feed of this.remoteFeeds.values()) count += feed.listenerCount;
    return count;
  }

  /** Stops the polls of other hosts' feeds. */
  stopFeeds(): void {
    for (const feed of [...this.remoteFeeds.values()]) feed.stop();
  }

  private remoteFeed(host: string): RemoteHostFeed {
    let feed = this.remoteFeeds.get(host);
    if (!feed) {
      const created = new RemoteHostFeed({
        host,
        latest: (h) => this.options.repository.latest(h),
        intervalMs: this.options.intervalMs,
        logger: this.options.logger,
        onIdle: () => {
          if (this.remoteFeeds.get(host) === created) this.remoteFeeds.delete(host);
        },
      });
      this.remoteFeeds.set(host, created);
      feed = created;
    }
    return feed;
  }

  /** A database failure is a 503 with a stable code for the UI, logged here with its cause. */
  private async fromStore<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.options.logger.warn({ err: error }, 'Reading stored host metrics failed');
      throw new MetricsStoreUnavailableError({ cause: error });
    }
  }

  private async unknownHost(host: string): Promise<MetricsHostUnknownError> {
    const known = await this.options.repository.knownHosts().catch((): string[] => []);
    return new MetricsHostUnknownError(host, known.includes(this.localHost) ? known : [this.localHost, ...known]);
  }
}
