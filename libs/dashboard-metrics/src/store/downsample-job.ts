import type { JobLease } from '@homelab/database';
import type { Logger } from '@homelab/tracing';
import type { DownsampleResult, HostMetricsDownsampler } from './downsampler.js';

export const DOWNSAMPLE_LEASE = 'host-metrics-downsample';

export interface DownsampleJobOptions {
  downsampler: Pick<HostMetricsDownsampler, 'run'>;
  lease: JobLease;
  /** How often the job runs (one bucket width: 5 minutes). */
  periodMs: number;
  /** Delay of the first run after start. */
  firstRunDelayMs?: number;
  logger: Logger;
}

export type DownsampleOutcome = { ran: true; result: DownsampleResult } | { ran: false };

/**
 * Runs the downsampler periodically on exactly one replica: whoever holds
 * the lease does the work and renews it with every run; when that replica
 * dies another takes over after the lease's time to live. A failed run is
 * logged and retried next period; the data stays as it was (one statement
 * per chunk).
 */
export class DownsampleJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DownsampleOutcome> | undefined;
  private stopped = false;

  constructor(private readonly options: DownsampleJobOptions) {}

  start(): void {
    this.schedule(this.options.firstRunDelayMs ?? 30_000);
  }

  /** Runs now if this replica holds (or takes) the lease; one run at a time per replica. */
  runNow(now?: Date): Promise<DownsampleOutcome> {
    this.running ??= this.runLeased(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.options.lease.release(DOWNSAMPLE_LEASE).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow()
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'Host metrics downsampling failed; retrying next period');
        })
        .finally(() => this.schedule(this.options.periodMs));
    }, delayMs);
    this.timer.unref();
  }

  private async runLeased(now?: Date): Promise<DownsampleOutcome> {
    const outcome = await this.options.lease.runIfLeader(DOWNSAMPLE_LEASE, () => this.options.downsampler.run(now));
    if (!outcome.ran) return { ran: false };
    const result = outcome.value;
    if (result.rawFolded > 0 || result.expiredDeleted > 0) {
      this.options.logger.info(result, 'Host metrics downsampled');
    }
    return { ran: true, result };
  }
}
