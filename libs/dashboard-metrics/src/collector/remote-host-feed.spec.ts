import { describe, expect, it } from 'vitest';
import type { HostSample } from '../host-sample.js';
import { silentLogger } from '../testing/capture-logger.test-helpers.js';
import { sampleAt } from '../testing/metrics-database.test-helpers.js';
import { RemoteHostFeed } from './remote-host-feed.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RemoteHostFeed', () => {
  it('polls while someone listens, passes each new sample on once, and stops with the last listener', async () => {
    let stored: HostSample | undefined = sampleAt('far', new Date(Date.UTC(2026, 0, 1, 0, 0, 0)), { cpuPercent: 1 });
    let polls = 0;
    let idle = false;
    const feed = new RemoteHostFeed({
      host: 'far',
      latest: async () => {
        polls += 1;
        return stored;
      },
      intervalMs: 15,
      logger: silentLogger,
      onIdle: () => {
        idle = true;
      },
    });
    const a: number[] = [];
    const b: number[] = [];
    const stopA = feed.subscribe((s) => a.push(s.cpuPercent ?? -1));
    await sleep(60);
    const stopB = feed.subscribe((s) => b.push(s.cpuPercent ?? -1));
    stored = sampleAt('far', new Date(Date.UTC(2026, 0, 1, 0, 0, 10)), { cpuPercent: 2 });
    await sleep(60);
    expect(a).toEqual([1, 2]);
    // a late listener gets the latest at once, then the new ones
    expect(b).toEqual([1, 2]);
    stopA();
    expect(idle).toBe(false);
    stopB();
    expect(idle).toBe(true);
    const pollsAtStop = polls;
    await sleep(60);
    expect(polls).toBe(pollsAtStop);
  });

  it('keeps polling through read failures', async () => {
    let fail = true;
    const feed = new RemoteHostFeed({
      host: 'far',
      latest: async () => {
        if (fail) throw new Error('database down');
        return sampleAt('far', new Date(), { cpuPercent: 9 });
      },
      intervalMs: 10,
      logger: silentLogger,
      onIdle: () => undefined,
    });
    const got: number[] = [];
    const stop = feed.subscribe((s) => got.push(s.cpuPercent ?? -1));
    await sleep(40);
    fail = false;
    await sleep(40);
    stop();
    expect(got[0]).toBe(9);
  });
});
