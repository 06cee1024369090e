import type { Logger } from '@homelab/tracing';
import type { HostSample } from '../host-sample.js';
import type { SampleSource } from '../sampler/host-sampler.js';
import { SampleHub, type SampleListener } from './sample-hub.js';
import type { SampleWriter } from './sample-writer.js';

export interface HostMetricsCollectorOptions {
  source: SampleSource & { prime?: () => Promise<void> };
  intervalMs: number;
  /** Where samples are stored; none in tests that only need the live feed. */
  writer?: SampleWriter;
  logger: Logger;
  /** Delay before the first sample after start (after priming), so /current is ready soon. */
  firstSampleDelayMs?: number;
}

/**
 * Takes a sample every interval, keeps the latest in memory, hands each to
 * the listeners and the writer. One sample at a time: the next is scheduled
 * when the current one is done, on the interval's grid, so a slow sample
 * skips a slot instead of overlapping or bunching up. Timers are unref'd:
 * sampling never keeps the process alive.
 */
export class HostMetricsCollector {
  private readonly hub: SampleHub;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private samplesTaken = 0;

  constructor(private readonly options: HostMetricsCollectorOptions) {
    this.hub = new SampleHub(options.logger);
  }

  latest(): HostSample | undefined {
    return this.hub.latest;
  }

  /** Listens to every new sample (the latest at once, if there is one); returns the removal. */
  subscribe(listener: SampleListener): () => void {
    return this.hub.subscribe(listener);
  }

  get listenerCount(): number {
    return this.hub.listenerCount;
  }

  get sampleCount(): number {
    return this.samplesTaken;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.running = this.primeThenSchedule();
  }

  /** Stops sampling, waits for a sample under way and for the writer. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    if (this.options.writer) {
      await this.options.writer.flush();
      if (this.options.writer.pending > 0) await this.options.writer.flush();
    }
  }

  private async primeThenSchedule(): Promise<void> {
    await this.options.source.prime?.().catch(() => undefined);
    if (this.stopped) return;
    const firstDelay = this.options.firstSampleDelayMs ?? Math.min(this.options.intervalMs, 1000);
    this.schedule(firstDelay);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    await this.takeSample();
    const elapsed = Date.now() - started;
    this.schedule(this.options.intervalMs - (elapsed % this.options.intervalMs));
  }

  private async takeSample(): Promise<void> {
    try {
      const sample = await this.options.source.sample();
      if (this.stopped) return;
      this.samplesTaken += 1;
      this.hub.publish(sample);
      this.options.writer?.write(sample);
    } catch (error) {
      // the sampler guards every part and should not reject; if it does, the next tick tries again
      this.options.logger.error({ err: error }, 'Host metrics sample failed');
    }
  }
}
