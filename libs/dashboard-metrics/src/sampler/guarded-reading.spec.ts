import { describe, expect, it } from 'vitest';
import { captureLogger } from '../testing/capture-logger.test-helpers.js';
import { GuardedReading } from './guarded-reading.js';

describe('GuardedReading', () => {
  it('answers the value while the reading works', async () => {
    const { logger, lines } = captureLogger();
    const reading = new GuardedReading('memory', async () => 42, { timeoutMs: 1000, logger });
    expect(await reading.value()).toBe(42);
    expect(lines).toEqual([]);
  });

  it('answers null on failure and logs once per outage, then once on recovery', async () => {
    const { logger, lines } = captureLogger();
    let fail = true;
    const reading = new GuardedReading(
      'disks',
      async () => {
        if (fail) throw new Error('df: exit code 1');
        return 'ok';
      },
      { timeoutMs: 1000, logger },
    );
    expect(await reading.value()).toBeNull();
    expect(await reading.value()).toBeNull();
    expect(await reading.value()).toBeNull();
    expect(reading.isFailing).toBe(true);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    expect(lines[0]?.msg).toContain('"disks" unavailable');
    expect(lines[0]?.['reading']).toBe('disks');
    fail = false;
    expect(await reading.value()).toBe('ok');
    expect(await reading.value()).toBe('ok');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    fail = true;
    expect(await reading.value()).toBeNull();
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info', 'warn']);
  });

  it('treats a synchronous throw like a failure', async () => {
    const { logger } = captureLogger();
    const reading = new GuardedReading<number>(
      'load',
      () => {
        throw new Error('no loadavg');
      },
      { timeoutMs: 1000, logger },
    );
    expect(await reading.value()).toBeNull();
  });

  it('gives up on a hung reading after the timeout and never starts a second one while it hangs', async () => {
    const { logger, lines } = captureLogger();
    let calls = 0;
    let release: (value: string) => void = () => undefined;
    const reading = new GuardedReading(
      'disks',
      () => {
        calls += 1;
        return new Promise<string>((resolve) => {
          release = resolve;
        });
      },
      { timeoutMs: 50, logger },
    );
    const started = Date.now();
    expect(await reading.value()).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    // still hanging: answered at once, no new call
    const again = Date.now();
    expect(await reading.value()).toBeNull();
    expect(Date.now() - again).toBeLessThan(40);
    expect(calls).toBe(1);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    release('late');
    await new Promise((resolve) => setImmediate(resolve));
    // settled: the next sample reads again
    const next = reading.value();
    release('fresh');
    expect(await next).toBe('fresh');
    expect(calls).toBe(2);
  });
});
