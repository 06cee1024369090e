import { describe, expect, it } from 'vitest';
import { fullJitterBackoff } from './backoff.js';

function delays(count: number, options: Parameters<typeof fullJitterBackoff>[0]): number[] {
  const result: number[] = [];
  let backoff = fullJitterBackoff(options).next();
  for (let i = 0; i < count; i++) {
    result.push(backoff.duration);
    backoff = backoff.next(undefined);
  }
  return result;
}

describe('fullJitterBackoff', () => {
  it('keeps retry n within [0, min(max, initial * 2^(n-1)))', () => {
    for (let run = 0; run < 200; run++) {
      delays(12, { initialDelayMs: 10, maxDelayMs: 300 }).forEach((delay, i) => {
        const cap = Math.min(300, 10 * 2 ** i);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(cap);
      });
    }
  });

  it('spreads delays over the whole range (full, not half, jitter)', () => {
    const capped = Array.from({ length: 2_000 }, () => delays(10, { initialDelayMs: 100, maxDelayMs: 1_000 })[9] ?? NaN);
    expect(Math.min(...capped)).toBeLessThan(100);
    expect(Math.max(...capped)).toBeGreaterThan(900);
    const mean = capped.reduce((sum, d) => sum + d, 0) / capped.length;
    expect(mean).toBeGreaterThan(400);
    expect(mean).toBeLessThan(600);
  });

  it('rejects inconsistent bounds', () => {
    expect(() => fullJitterBackoff({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(RangeError);
    expect(() => fullJitterBackoff({ initialDelayMs: -1 })).toThrow(RangeError);
  });
});
