import { describe, expect, it } from 'vitest';
import { raceWithin } from './race-within.js';

describe('raceWithin', () => {
  it('passes a result that arrives in time', async () => {
    await expect(raceWithin(Promise.resolve(1), 100, () => new Error('late'))).resolves.toBe(1);
  });

  it('rejects at the limit and hands a late result to discardLate', async () => {
    const late: number[] = [];
    const work = new Promise<number>((resolve) => setTimeout(() => resolve(7), 50));
    await expect(raceWithin(work, 5, () => new Error('too slow'), (value) => late.push(value))).rejects.toThrow('too slow');
    await work;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(late).toEqual([7]);
  });
});
