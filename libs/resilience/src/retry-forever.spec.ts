import { describe, expect, it } from 'vitest';
import { OperationAbortedError } from './errors.js';
import { retryForever } from './retry-forever.js';

describe('retryForever', () => {
  it('keeps trying until success, reporting each failure with a bounded delay', async () => {
    const failures: Array<{ attempt: number; delayMs: number; message: string }> = [];
    let calls = 0;
    const value = await retryForever(
      'db.connect',
      async () => {
        if (++calls <= 5) throw new Error(`refused ${calls}`);
        return 'connected';
      },
      {
        initialDelayMs: 1,
        maxDelayMs: 8,
        onError: (error, { attempt, delayMs, operation }) => {
          expect(operation).toBe('db.connect');
          failures.push({ attempt, delayMs, message: (error as Error).message });
        },
      },
    );
    expect(value).toBe('connected');
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(failures.map((f) => f.message)).toEqual(['refused 1', 'refused 2', 'refused 3', 'refused 4', 'refused 5']);
    failures.forEach(({ delayMs }, i) => {
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(8, 2 ** i));
    });
  });

  it('stops promptly when the signal aborts, even in the middle of a long wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const loop = retryForever(
      'nats.connect',
      async () => {
        calls++;
        throw new Error('unreachable');
      },
      {
        // the wait after the second failure is up to 2 s, the one after the 14th up to 10 s
        initialDelayMs: 1_000,
        maxDelayMs: 10_000,
        signal: controller.signal,
        onError: (_error, { attempt }) => {
          if (attempt === 2) controller.abort('shutdown');
        },
      },
    );
    const error = await loop.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationAbortedError);
    expect((error as OperationAbortedError).message).toBe('"nats.connect" was aborted');
    expect((error as Error).cause).toBe('shutdown');
    expect(Date.now() - started).toBeLessThan(500);
    const callsAtAbort = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(callsAtAbort);
    expect(calls).toBe(2);
  });

  it('does not call the function when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    await expect(
      retryForever(
        'x',
        async () => {
          called = true;
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow(OperationAbortedError);
    expect(called).toBe(false);
  });

  it('passes the signal so in-flight work can be cancelled', async () => {
    const controller = new AbortController();
    const loop = retryForever(
      'x',
      (signal) => new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')))),
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 10);
    await expect(loop).rejects.toThrow(OperationAbortedError);
  });
});
