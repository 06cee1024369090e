import type { Logger } from '@homelab/tracing';
import type { HostSample } from '../host-sample.js';
import { SampleHub, type SampleListener } from './sample-hub.js';

export interface RemoteHostFeedOptions {
  host: string;
  /** Reads the newest stored sample of the host. */
  latest: (host: string) => Promise<HostSample | undefined>;
  intervalMs: number;
  logger: Logger;
  /** Called when the last listener leaves (the feed has stopped). */
  onIdle: () => void;
}

/**
 * Live samples of another replica's machine, read from the table that
 * replica writes to: one poll per interval for all listeners of that host,
 * only while someone listens. A sample is passed on once, when it is newer
 * than the last one seen.
 */
export class RemoteHostFeed {
  private readonly hub: SampleHub;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private lastAt = '';
  private failing = false;
  private stopped = false;

  constructor(private readonly options: RemoteHostFeedOptions) {
    this.hub = new SampleHub(options.logger);
  }

  get listenerCount(): number {
    return this.hub.listenerCount;
  }

  subscribe(listener: SampleListener): () => void {
    const unsubscribe = this.hub.subscribe(listener);
    if (!this.timer && !this.polling && !this.stopped) this.polling = this.poll();
    return () => {
      unsubscribe();
      if (this.hub.listenerCount === 0) this.stop();
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.options.onIdle();
  }

  private async poll(): Promise<void> {
    try {
      const sample = await this.options.latest(this.options.host);
      this.recovered();
      if (sample && sample.at > this.lastAt && !this.stopped) {
        this.lastAt = sample.at;
        this.hub.publish(sample);
      }
    } catch (error) {
      this.failed(error);
    } finally {
      this.polling = undefined;
      if (!this.stopped) {
        this.timer = setTimeout(() => {
          this.polling = this.poll();
        }, this.options.intervalMs);
        this.timer.unref();
      }
    }
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.logger.warn({ err: error, host: this.options.host }, 'Cannot read host metrics of another host; retrying every interval');
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({ host: this.options.host }, 'Host metrics of another host readable again');
  }
}
