import { describe, expect, it } from 'vitest';
import { retryPolicy, type RetryEvent } from './retry.js';

class Transient extends Error {}

describe('retryPolicy', () => {
  it('makes maxAttempts attempts in total, then rethrows the last error', async () => {
    const retry = retryPolicy({ maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 5 });
    const attempts: number[] = [];
    const retries: RetryEvent[] = [];
    const gaveUp: unknown[] = [];
    retry.onRetry((event) => retries.push(event));
    retry.onGiveUp(({ error }) => gaveUp.push(error));

    await expect(
      retry.execute(async (_signal, attempt) => {
        attempts.push(attempt);
        throw new Transient(`failure ${attempt}`);
      }),
    ).rejects.toThrow('failure 4');

    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retries.map((r) => (r.error as Error).message)).toEqual(['failure 1', 'failure 2', 'failure 3']);
    expect(gaveUp).toHaveLength(1);
  });

  it('waits a full-jitter delay within [0, cap] before each retry', async () => {
    const retry = retryPolicy({ maxAttempts: 8, initialDelayMs: 2, maxDelayMs: 10 });
    const retries: RetryEvent[] = [];
    retry.onRetry((event) => retries.push(event));
    await expect(retry.execute(async () => Promise.reject(new Transient('down')))).rejects.toThrow('down');
    expect(retries).toHaveLength(7);
    retries.forEach(({ delayMs }, i) => {
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(10, 2 * 2 ** i));
    });
  });

  it('returns the first success', async () => {
    const retry = retryPolicy({ maxAttempts: 5, initialDelayMs: 1 });
    let calls = 0;
    const value = await retry.execute(async () => {
      if (++calls < 3) throw new Transient('not yet');
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry errors that handle() rejects', async () => {
    const retry = retryPolicy({ maxAttempts: 5, initialDelayMs: 1, handle: (error) => error instanceof Transient });
    let calls = 0;
    await expect(
      retry.execute(async () => {
        calls++;
        throw new TypeError('a bug, not an outage');
      }),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('stops retrying once the caller aborts', async () => {
    const retry = retryPolicy({ maxAttempts: 10, initialDelayMs: 1, maxDelayMs: 2 });
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry.execute(async () => {
        if (++calls === 2) controller.abort();
        throw new Transient('down');
      }, controller.signal),
    ).rejects.toThrow('down');
    expect(calls).toBe(2);
  });

  it('rejects a maxAttempts below 1', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
