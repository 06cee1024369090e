import type { GuardApproval } from '@homelab/contracts';

const FINAL: ReadonlySet<GuardApproval['status']> = new Set(['approved', 'denied', 'expired', 'used']);

export class ApprovalWaitAbortedError extends Error {
  constructor() {
    super('Stopped while waiting for the approval');
    this.name = 'ApprovalWaitAbortedError';
  }
}

/**
 * Where waiting turns hear the guard's decisions. `decided` is fed by the
 * `guard.approval.decided` events every replica receives (and directly by
 * this replica's own approve/deny route); a decision that arrives before
 * anyone waits for it is kept a while, so the wait still sees it.
 */
export class ApprovalWaiter {
  private readonly waiting = new Map<string, Set<(approval: GuardApproval) => void>>();
  private readonly recent = new Map<string, GuardApproval>();

  constructor(private readonly keepRecent = 500) {}

  decided(approval: GuardApproval): void {
    if (!FINAL.has(approval.status)) return;
    this.recent.delete(approval.id);
    this.recent.set(approval.id, approval);
    if (this.recent.size > this.keepRecent) this.recent.delete(this.recent.keys().next().value as string);
    const waiters = this.waiting.get(approval.id);
    this.waiting.delete(approval.id);
    for (const wake of waiters ?? []) wake(approval);
  }

  /** Resolves with the decision, or `timeout` after `timeoutMs`; rejects with ApprovalWaitAbortedError when `signal` fires. */
  wait(approvalId: string, options: { signal: AbortSignal; timeoutMs: number }): Promise<GuardApproval | 'timeout'> {
    const known = this.recent.get(approvalId);
    if (known) return Promise.resolve(known);
    if (options.signal.aborted) return Promise.reject(new ApprovalWaitAbortedError());
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(approvalId) ?? new Set<(approval: GuardApproval) => void>();
      this.waiting.set(approvalId, waiters);
      const cleanup = (): void => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        waiters.delete(wake);
        if (waiters.size === 0 && this.waiting.get(approvalId) === waiters) this.waiting.delete(approvalId);
      };
      const wake = (approval: GuardApproval): void => {
        cleanup();
        resolve(approval);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new ApprovalWaitAbortedError());
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve('timeout');
      }, options.timeoutMs);
      timer.unref();
      waiters.add(wake);
      options.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Turns waiting right now (for tests and metrics). */
  get waitingCount(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.size;
    return count;
  }
}
