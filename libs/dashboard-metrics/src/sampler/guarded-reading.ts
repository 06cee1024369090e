import type { Logger } from '@homelab/tracing';

export interface GuardedReadingOptions {
  /** A reading slower than this counts as failed for this sample. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * One part of a sample (CPU, memory, disks …) that may fail on its own
 * without spoiling the rest. It answers null on failure and logs once per
 * outage (when it starts failing and when it recovers), not on every tick.
 * A call that hangs (df on a dead network mount) is never started twice:
 * until it settles, later samples get null for this part at once.
 */
export class GuardedReading<T> {
  private pending: Promise<T> | undefined;
  private failing = false;

  constructor(
    readonly name: string,
    private readonly read: () => Promise<T>,
    private readonly options: GuardedReadingOptions,
  ) {}

  /** True while the reading is in its failing state (for tests and diagnostics). */
  get isFailing(): boolean {
    return this.failing;
  }

  async value(): Promise<T | null> {
    if (this.pending) {
      this.failed(new Error(`the previous reading has not finished after ${this.options.timeoutMs} ms`));
      return null;
    }
    const pending = this.start();
    this.pending = pending;
    // cleared only when the call itself settles, so a hung call blocks new ones
    pending.then(
      () => this.settle(pending),
      () => this.settle(pending),
    );
    try {
      const value = await withTimeout(pending, this.options.timeoutMs, this.name);
      this.recovered();
      return value;
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  /** Calls the reading at once; a synchronous throw becomes a rejection. */
  private start(): Promise<T> {
    try {
      return Promise.resolve(this.read());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private settle(pending: Promise<T>): void {
    if (this.pending === pending) this.pending = undefined;
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.logger.warn(
      { reading: this.name, err: error },
      `Host metric "${this.name}" unavailable; it stays empty and is not logged again until it recovers`,
    );
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({ reading: this.name }, `Host metric "${this.name}" available again`);
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading "${name}" took longer than ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
