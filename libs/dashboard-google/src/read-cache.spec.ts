import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.js';

describe('ReadCache', () => {
  it('serves a value until it expires, then loads again', async () => {
    let now = 0;
    let loads = 0;
    const cache = new ReadCache(1000, () => now);
    const load = async (): Promise<number> => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('shares one load among concurrent callers and keeps no failure', async () => {
    let loads = 0;
    const cache = new ReadCache(1000);
    let fail = true;
    const load = async (): Promise<string> => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (fail) throw new Error('down');
      return 'ok';
    };
    const results = await Promise.allSettled([cache.get('k', load), cache.get('k', load)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    fail = false;
    expect(await cache.get('k', load)).toBe('ok');
    expect(loads).toBe(2);
  });

  it('does not let a load that began before clear() refill the cache', async () => {
    let loads = 0;
    const cache = new ReadCache(1000);
    let release: () => void = () => undefined;
    const slow = cache.get('k', () => new Promise<number>((resolve) => (release = () => resolve(++loads))));
    cache.clear();
    release();
    expect(await slow).toBe(1);
    expect(await cache.get('k', async () => ++loads)).toBe(2);
  });
});
