import type { Logger } from '@homelab/tracing';
import type { HostSample } from '../host-sample.js';

export type SampleListener = (sample: HostSample) => void;

/** Fans one stream of samples out to any number of listeners (browsers on /stream). */
export class SampleHub {
  private readonly listeners = new Set<SampleListener>();
  private last: HostSample | undefined;

  constructor(private readonly logger: Logger) {}

  get latest(): HostSample | undefined {
    return this.last;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Adds a listener (given the latest sample at once, if any); returns its removal. */
  subscribe(listener: SampleListener): () => void {
    this.listeners.add(listener);
    if (this.last) this.deliver(listener, this.last);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(sample: HostSample): void {
    this.last = sample;
    for (const listener of [...this.listeners]) this.deliver(listener, sample);
  }

  /** One broken listener (a socket that died mid-write) must not starve the others. */
  private deliver(listener: SampleListener, sample: HostSample): void {
    try {
      listener(sample);
    } catch (error) {
      this.listeners.delete(listener);
      this.logger.warn({ err: error }, 'A host-metrics listener failed and was removed');
    }
  }
}
