import { describe, expect, it } from 'vitest';
import { CircuitOpenError, OperationTimeoutError } from './errors.js';
import { createResilience } from './resilience.js';

const hang = (signal: AbortSignal): Promise<never> =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('createResilience', () => {
  it('times out each attempt separately and retries the timed-out ones', async () => {
    const resilience = createResilience({ name: 'nats.request', timeoutMs: 20, retry: { maxAttempts: 3, initialDelayMs: 1 } });
    const events: string[] = [];
    resilience.onTimeout(() => events.push('timeout'));
    resilience.onRetry(({ attempt, error }) => events.push(`retry ${attempt} after ${(error as Error).name}`));
    const signals: AbortSignal[] = [];

    const value = await resilience.execute(async (signal) => {
      signals.push(signal);
      if (signals.length < 3) return hang(signal);
      return 'answer';
    });

    expect(value).toBe('answer');
    expect(events).toEqual(['timeout', 'retry 1 after OperationTimeoutError', 'timeout', 'retry 2 after OperationTimeoutError']);
    expect(new Set(signals).size).toBe(3);
  });

  it('surfaces OperationTimeoutError when every attempt times out', async () => {
    const resilience = createResilience({ name: 'slow', timeoutMs: 10, retry: { maxAttempts: 2, initialDelayMs: 1 } });
    const error = await resilience.execute(hang).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect((error as OperationTimeoutError).operation).toBe('slow');
  });

  it('counts a call that failed after all retries once towards the breaker, then fails fast', async () => {
    const resilience = createResilience({
      name: 'inventory',
      retry: { maxAttempts: 3, initialDelayMs: 1 },
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 },
    });
    const broke: unknown[] = [];
    resilience.onBreak(({ error }) => broke.push(error));
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls++;
      throw new Error('503');
    };

    await expect(resilience.execute(failing)).rejects.toThrow('503');
    expect(calls).toBe(3);
    expect(resilience.circuitState).toBe('closed');
    await expect(resilience.execute(failing)).rejects.toThrow('503');
    expect(calls).toBe(6);
    expect(resilience.circuitState).toBe('open');
    expect(broke).toHaveLength(1);

    const error = await resilience.execute(failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).circuit).toBe('inventory');
    expect(calls).toBe(6);
  });

  it('recovers through half-open and emits reset', async () => {
    const resilience = createResilience({ name: 'db', breaker: { consecutiveFailures: 1, halfOpenAfterMs: 30 } });
    const states: string[] = [];
    resilience.onStateChange((state) => states.push(state));
    let resets = 0;
    resilience.onReset(() => resets++);
    await expect(resilience.execute(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await new Promise((resolve) => setTimeout(resolve, 45));
    expect(await resilience.execute(async () => 'up')).toBe('up');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(resets).toBe(1);
  });

  it('with no options is a plain call with a live signal', async () => {
    const resilience = createResilience({ name: 'plain' });
    expect(resilience.circuitState).toBeUndefined();
    resilience.onRetry(() => undefined).dispose();
    expect(await resilience.execute(async (signal) => signal.aborted)).toBe(false);
  });

  it('hands the caller signal through to the function', async () => {
    const resilience = createResilience({ name: 'x', timeoutMs: 1_000, retry: { maxAttempts: 3, initialDelayMs: 1 } });
    const controller = new AbortController();
    let calls = 0;
    setTimeout(() => controller.abort(), 10);
    const error = await resilience
      .execute((signal) => {
        calls++;
        return hang(signal);
      }, controller.signal)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(OperationTimeoutError);
    expect(calls).toBe(1);
  });
});
