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

  it('stops promptly when the signal aborts in the middle of a long wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    let abortedAt = 0;
    const loop = retryForever(
      'nats.connect',
      async () => {
        calls++;
        throw new Error('unreachable');
      },
      {
        initialDelayMs: 50,
        maxDelayMs: 10_000,
        signal: controller.signal,
        onError: (_error, { delayMs }) => {
          // abort 10 ms into the first wait of at least 100 ms
          if (delayMs >= 100 && !abortedAt) {
            setTimeout(() => {
              abortedAt = Date.now();
              controller.abort('shutdown');
            }, 10);
          }
        },
      },
    );
    const error = await loop.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationAbortedError);
    expect((error as OperationAbortedError).message).toBe('"nats.connect" was aborted');
    expect((error as Error).cause).toBe('shutdown');
    expect(Date.now() - abortedAt).toBeLessThan(50);
    const callsAtAbort = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(callsAtAbort);
  });

  it('does not wait at all when aborted from onError', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const loop = retryForever(
      'x',
      async () => {
        calls++;
        throw new Error('down');
      },
      { initialDelayMs: 5_000, maxDelayMs: 5_000, signal: controller.signal, onError: () => controller.abort() },
    );
    await expect(loop).rejects.toThrow(OperationAbortedError);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(100);
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
