/**
 * Runs queued async tasks, at most `concurrency` at once; tasks may queue
 * more tasks. Once `signal` aborts no new task starts. A task's own failure
 * is handed to `onError` and never stops the others.
 */
export class TaskPool {
  private readonly queue: (() => Promise<void>)[] = [];
  private active = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly onError: (error: unknown) => void,
    private readonly signal?: AbortSignal,
  ) {}

  add(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  /** Resolves once nothing runs and nothing is queued (or the signal aborted and the running tasks ended). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.active === 0 && (this.queue.length === 0 || this.signal?.aborted === true);
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0 && !this.signal?.aborted) {
      const task = this.queue.shift() as () => Promise<void>;
      this.active += 1;
      void task()
        .catch(this.onError)
        .finally(() => {
          this.active -= 1;
          this.pump();
        });
    }
    if (this.isIdle()) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
