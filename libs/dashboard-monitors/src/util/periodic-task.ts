import type { Logger } from '@homelab/tracing';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  /** Runs once right after start instead of waiting one interval. Default true. */
  runAtStart?: boolean;
  logger: Logger;
}

/**
 * A background loop that never overlaps itself, never keeps the process
 * alive, and whose failures are logged and retried on the next tick. The
 * next run is scheduled after the previous one ends, so a slow run delays
 * the next instead of piling up.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly options: PeriodicTaskOptions,
    private readonly work: () => Promise<void>,
  ) {}

  get started(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.runAtStart === false ? this.options.intervalMs : 0);
  }

  /** Stops the loop and waits (at most `waitMs`) for a run in progress. */
  async stop(waitMs = 3000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const current = this.running;
    if (!current) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      timer.unref();
      void current.finally(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Runs now, or joins the run in progress (for readers that only need a recent run). */
  runOrJoin(): Promise<void> {
    return this.running ?? this.runNow();
  }

  /** Runs now; during a run, once more right after it (a request may come after the run read its input). */
  runNow(): Promise<void> {
    if (this.running) {
      this.rerun ??= this.running.then(() => {
        this.rerun = undefined;
        return this.runNow();
      });
      return this.rerun;
    }
    this.running = this.work()
      .catch((error: unknown) => this.options.logger.warn({ err: error, task: this.options.name }, 'Background task failed; retrying next interval'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
