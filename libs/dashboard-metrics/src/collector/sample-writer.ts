import type { Logger } from '@homelab/tracing';
import type { HostSample } from '../host-sample.js';

/** Where samples are stored (the repository). */
export interface SampleStore {
  insertRaw(samples: readonly HostSample[], resolutionSeconds: number): Promise<void>;
}

export interface SampleWriterOptions {
  resolutionSeconds: number;
  /** Samples kept while the database is unreachable; the oldest go first beyond this. */
  maxBuffered: number;
  logger: Logger;
  /**
   * Resolves when the table can be written (the service's migrations are
   * applied). Until then samples only queue, so a fresh start does not log
   * a failure for a table that is about to exist.
   */
  ready?: Promise<unknown>;
}

/**
 * Stores samples without ever holding up sampling. While the database is
 * away, samples wait in a bounded buffer and are written together when it
 * is back, so a short outage leaves no gap in the history. Logs once when
 * writing starts failing and once when it recovers.
 */
export class SampleWriter {
  private buffer: HostSample[] = [];
  private flushing: Promise<void> | undefined;
  private failing = false;
  private dropped = 0;
  private isReady: boolean;

  constructor(
    private readonly store: SampleStore,
    private readonly options: SampleWriterOptions,
  ) {
    this.isReady = options.ready === undefined;
    options.ready?.then(
      () => {
        this.isReady = true;
        void this.flush();
      },
      () => undefined,
    );
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Queues a sample and starts writing if no write is under way. */
  write(sample: HostSample): void {
    this.buffer.push(sample);
    if (this.buffer.length > this.options.maxBuffered) {
      this.dropped += this.buffer.length - this.options.maxBuffered;
      this.buffer = this.buffer.slice(-this.options.maxBuffered);
    }
    void this.flush();
  }

  /** Writes what is queued; resolves when done (or failed), at once while not ready. Never rejects. */
  flush(): Promise<void> {
    if (!this.isReady) return Promise.resolve();
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    try {
      await this.store.insertRaw(batch, this.options.resolutionSeconds);
      this.succeeded(batch.length);
    } catch (error) {
      // back in front of whatever arrived meanwhile, within the bound
      this.buffer = [...batch, ...this.buffer].slice(-this.options.maxBuffered);
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.logger.warn(
      { err: error, buffered: this.buffer.length, maxBuffered: this.options.maxBuffered },
      'Host metrics cannot be stored; keeping them in memory and retrying with every sample',
    );
  }

  private succeeded(written: number): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({ written, dropped: this.dropped }, 'Host metrics are stored again');
    this.dropped = 0;
  }
}
