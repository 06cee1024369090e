import { describe, expect, it } from 'vitest';
import type { GuardApproval } from '@homelab/contracts';
import { ApprovalWaitAbortedError, ApprovalWaiter } from './approval-waiter.js';

const approval = (id: string, status: GuardApproval['status']): GuardApproval =>
  ({ id, status, decidedBy: 'carol', decisionReason: null }) as GuardApproval;

describe('ApprovalWaiter', () => {
  it('wakes every turn waiting for that approval, and only those', async () => {
    const waiter = new ApprovalWaiter();
    const signal = new AbortController().signal;
    const a = waiter.wait('a', { signal, timeoutMs: 5000 });
    const a2 = waiter.wait('a', { signal, timeoutMs: 5000 });
    const b = waiter.wait('b', { signal, timeoutMs: 50 });
    waiter.decided(approval('a', 'pending'));
    expect(waiter.waitingCount).toBe(3);
    waiter.decided(approval('a', 'approved'));
    expect(await a).toMatchObject({ status: 'approved' });
    expect(await a2).toMatchObject({ status: 'approved' });
    expect(await b).toBe('timeout');
    expect(waiter.waitingCount).toBe(0);
  });

  it('remembers a decision that came before the wait, for a while', async () => {
    const waiter = new ApprovalWaiter(2);
    waiter.decided(approval('early', 'denied'));
    expect(await waiter.wait('early', { signal: new AbortController().signal, timeoutMs: 10 })).toMatchObject({ status: 'denied' });
    waiter.decided(approval('x', 'denied'));
    waiter.decided(approval('y', 'denied'));
    expect(await waiter.wait('early', { signal: new AbortController().signal, timeoutMs: 10 })).toBe('timeout');
  });

  it('stops waiting when the turn is stopped', async () => {
    const waiter = new ApprovalWaiter();
    const stop = new AbortController();
    const waiting = waiter.wait('c', { signal: stop.signal, timeoutMs: 5000 });
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(ApprovalWaitAbortedError);
    await expect(waiter.wait('c', { signal: stop.signal, timeoutMs: 5000 })).rejects.toBeInstanceOf(ApprovalWaitAbortedError);
    expect(waiter.waitingCount).toBe(0);
  });
});
