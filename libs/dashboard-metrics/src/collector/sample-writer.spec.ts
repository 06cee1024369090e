import { describe, expect, it } from 'vitest';
import type { HostSample } from '../host-sample.js';
import { captureLogger, silentLogger } from '../testing/capture-logger.test-helpers.js';
import { sampleAt } from '../testing/metrics-database.test-helpers.js';
import { SampleWriter, type SampleStore } from './sample-writer.js';

/** A store that is down until `up` is set. */
function flakyStore() {
  const state = { up: false, calls: 0, stored: [] as HostSample[] };
  const store: SampleStore = {
    insertRaw: async (samples) => {
      state.calls += 1;
      if (!state.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      state.stored.push(...samples);
    },
  };
  return { state, store };
}

const sample = (n: number) => sampleAt('box', new Date(Date.UTC(2026, 0, 1, 0, 0, n)), { cpuPercent: n });

describe('SampleWriter', () => {
  it('keeps samples while the database is down and writes them, in order, when it is back; logs once each way', async () => {
    const { state, store } = flakyStore();
    const { logger, lines } = captureLogger();
    const writer = new SampleWriter(store, { resolutionSeconds: 10, maxBuffered: 100, logger });
    for (let n = 1; n <= 5; n++) {
      writer.write(sample(n));
      await writer.flush();
    }
    expect(writer.pending).toBe(5);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    state.up = true;
    writer.write(sample(6));
    await writer.flush();
    await writer.flush();
    expect(state.stored.map((s) => s.cpuPercent)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(writer.pending).toBe(0);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
  });

  it('holds at most maxBuffered samples, dropping the oldest', async () => {
    const { state, store } = flakyStore();
    const writer = new SampleWriter(store, { resolutionSeconds: 10, maxBuffered: 3, logger: silentLogger });
    for (let n = 1; n <= 6; n++) {
      writer.write(sample(n));
      await writer.flush();
    }
    expect(writer.pending).toBe(3);
    state.up = true;
    await writer.flush();
    expect(state.stored.map((s) => s.cpuPercent)).toEqual([4, 5, 6]);
  });

  it('does not touch the store before it is ready (migrations pending), then writes everything', async () => {
    const { state, store } = flakyStore();
    state.up = true;
    let ready: () => void = () => undefined;
    const writer = new SampleWriter(store, {
      resolutionSeconds: 10,
      maxBuffered: 10,
      logger: silentLogger,
      ready: new Promise<void>((resolve) => {
        ready = resolve;
      }),
    });
    writer.write(sample(1));
    writer.write(sample(2));
    await writer.flush();
    expect(state.calls).toBe(0);
    ready();
    await new Promise((resolve) => setImmediate(resolve));
    await writer.flush();
    expect(state.stored.map((s) => s.cpuPercent)).toEqual([1, 2]);
  });
});
