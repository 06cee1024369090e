import { BrokenCircuitError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { circuitBreakerPolicy, type CircuitStateName } from './circuit-breaker.js';
import { CircuitOpenError } from './errors.js';

const fail = async (): Promise<never> => {
  throw new Error('backend down');
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuitBreakerPolicy', () => {
  it('opens after N consecutive failures, then fails fast without calling', async () => {
    const breaker = circuitBreakerPolicy({ name: 'billing', consecutiveFailures: 3, halfOpenAfterMs: 10_000 });
    const breaks: unknown[] = [];
    breaker.onBreak(({ error }) => breaks.push(error));

    for (let i = 0; i < 2; i++) await expect(breaker.execute(fail)).rejects.toThrow('backend down');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(fail)).rejects.toThrow('backend down');
    expect(breaker.state).toBe('open');
    expect(breaks).toHaveLength(1);

    let called = false;
    const error = await breaker
      .execute(async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).circuit).toBe('billing');
    expect((error as Error).message).toContain('Circuit "billing" is open');
  });

  it('a success resets the consecutive count', async () => {
    const breaker = circuitBreakerPolicy({ name: 'x', consecutiveFailures: 2 });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.execute(async () => 'ok');
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after halfOpenAfterMs and closes on a successful trial', async () => {
    const breaker = circuitBreakerPolicy({ name: 'db', consecutiveFailures: 1, halfOpenAfterMs: 40 });
    const states: CircuitStateName[] = [];
    let resets = 0;
    breaker.onStateChange((state) => states.push(state));
    breaker.onReset(() => resets++);

    await expect(breaker.execute(fail)).rejects.toThrow('backend down');
    await expect(breaker.execute(async () => 'early')).rejects.toThrow(CircuitOpenError);
    await sleep(60);
    expect(await breaker.execute(async () => 'trial')).toBe('trial');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.state).toBe('closed');
    expect(resets).toBe(1);
  });

  it('re-opens when the half-open trial fails', async () => {
    const breaker = circuitBreakerPolicy({ name: 'db', consecutiveFailures: 1, halfOpenAfterMs: 30 });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await sleep(45);
    await expect(breaker.execute(fail)).rejects.toThrow('backend down');
    expect(breaker.state).toBe('open');
  });

  it('only counts errors that handle() accepts', async () => {
    const breaker = circuitBreakerPolicy({ name: 'x', consecutiveFailures: 1, handle: (e) => (e as Error).message === 'backend down' });
    await expect(breaker.execute(async () => Promise.reject(new Error('bad request')))).rejects.toThrow('bad request');
    expect(breaker.state).toBe('closed');
  });

  it('passes through a BrokenCircuitError thrown by the function itself', async () => {
    const breaker = circuitBreakerPolicy({ name: 'outer', consecutiveFailures: 5 });
    await expect(breaker.execute(async () => Promise.reject(new BrokenCircuitError('inner')))).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('can be isolated by hand', async () => {
    const breaker = circuitBreakerPolicy({ name: 'maint' });
    const hold = breaker.isolate();
    expect(breaker.state).toBe('isolated');
    await expect(breaker.execute(async () => 1)).rejects.toThrow(CircuitOpenError);
    hold.dispose();
    expect(await breaker.execute(async () => 1)).toBe(1);
  });
});
