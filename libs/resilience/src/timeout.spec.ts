import { describe, expect, it } from 'vitest';
import { OperationTimeoutError } from './errors.js';
import { timeoutPolicy } from './timeout.js';

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function work(ms: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('done'), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted by signal'));
    });
  });
}

describe('timeoutPolicy', () => {
  it('aborts the signal and throws OperationTimeoutError when time is up', async () => {
    const timeout = timeoutPolicy(20, { name: 'slow-call' });
    const fired: number[] = [];
    timeout.onTimeout(({ timeoutMs }) => fired.push(timeoutMs));
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const error = await timeout
      .execute((signal) => {
        seen = signal;
        return work(5_000, signal);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect((error as OperationTimeoutError).message).toBe('"slow-call" timed out after 20 ms');
    expect((error as OperationTimeoutError).timeoutMs).toBe(20);
    expect(seen?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fired).toEqual([20]);
  });

  it('aggressive: returns at the deadline even if the function ignores its signal', async () => {
    const timeout = timeoutPolicy(20);
    const started = Date.now();
    await expect(timeout.execute(() => new Promise((resolve) => setTimeout(resolve, 300)))).rejects.toThrow(OperationTimeoutError);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('cooperative: waits for the function, which sees the aborted signal', async () => {
    const timeout = timeoutPolicy(20, { strategy: 'cooperative' });
    await expect(timeout.execute((signal) => work(5_000, signal))).rejects.toThrow(OperationTimeoutError);
    // a function that ignores the signal is allowed to finish
    const value = await timeout.execute(() => new Promise((resolve) => setTimeout(() => resolve('late'), 60)));
    expect(value).toBe('late');
  });

  it('passes results and errors through when in time', async () => {
    const timeout = timeoutPolicy(1_000);
    let fired = false;
    timeout.onTimeout(() => (fired = true));
    expect(await timeout.execute(async () => 42)).toBe(42);
    await expect(timeout.execute(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fired).toBe(false);
  });

  it('does not call a caller abort a timeout', async () => {
    const timeout = timeoutPolicy(1_000, { strategy: 'cooperative' });
    let fired = false;
    timeout.onTimeout(() => (fired = true));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const error = await timeout.execute((signal) => work(5_000, signal), controller.signal).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(OperationTimeoutError);
    expect((error as Error).message).toBe('aborted by signal');
    expect(fired).toBe(false);
  });
});
