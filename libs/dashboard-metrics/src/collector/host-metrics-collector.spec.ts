import { describe, expect, it } from 'vitest';
import type { HostSample } from '../host-sample.js';
import { silentLogger } from '../testing/capture-logger.test-helpers.js';
import { sampleAt } from '../testing/metrics-database.test-helpers.js';
import { HostMetricsCollector } from './host-metrics-collector.js';
import { SampleWriter, type SampleStore } from './sample-writer.js';

/** A source whose samples take `delayMs`, recording how many ran at once. */
function slowSource(delayMs: number) {
  const state = { active: 0, maxActive: 0, started: [] as number[], primed: 0 };
  return {
    state,
    prime: async () => {
      state.primed += 1;
    },
    sample: async (): Promise<HostSample> => {
      state.active += 1;
      state.maxActive = Math.max(state.maxActive, state.active);
      state.started.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      state.active -= 1;
      return sampleAt('box', new Date(), { cpuPercent: state.started.length });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HostMetricsCollector', () => {
  it('samples every interval after priming, and hands each sample to every listener', async () => {
    const source = slowSource(1);
    const collector = new HostMetricsCollector({ source, intervalMs: 30, firstSampleDelayMs: 0, logger: silentLogger });
    const a: number[] = [];
    const b: number[] = [];
    collector.subscribe((s) => a.push(s.cpuPercent ?? -1));
    const unsubscribeB = collector.subscribe((s) => b.push(s.cpuPercent ?? -1));
    collector.start();
    await sleep(200);
    unsubscribeB();
    await sleep(100);
    await collector.stop();
    expect(source.state.primed).toBe(1);
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(a).toEqual(Array.from({ length: a.length }, (_, i) => i + 1));
    expect(b.length).toBeLessThan(a.length);
    expect(collector.latest()?.cpuPercent).toBe(a.at(-1));
    expect(collector.listenerCount).toBe(1);
  });

  it('never runs two samples at once: a slow one skips slots instead of overlapping', async () => {
    const source = slowSource(75);
    const collector = new HostMetricsCollector({ source, intervalMs: 20, firstSampleDelayMs: 0, logger: silentLogger });
    collector.start();
    await sleep(500);
    await collector.stop();
    expect(source.state.maxActive).toBe(1);
    const gaps = source.state.started.slice(1).map((t, i) => t - (source.state.started[i] ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(75);
  });

  it('stops: waits for the sample under way and takes no more', async () => {
    const source = slowSource(50);
    const collector = new HostMetricsCollector({ source, intervalMs: 10, firstSampleDelayMs: 0, logger: silentLogger });
    collector.start();
    await sleep(30);
    await collector.stop();
    expect(source.state.active).toBe(0);
    const taken = source.state.started.length;
    await sleep(100);
    expect(source.state.started.length).toBe(taken);
  });

  it('gives samples to the writer, and flushes it on stop', async () => {
    const stored: HostSample[] = [];
    const store: SampleStore = {
      insertRaw: async (samples) => {
        await sleep(5);
        stored.push(...samples);
      },
    };
    const writer = new SampleWriter(store, { resolutionSeconds: 1, maxBuffered: 100, logger: silentLogger });
    const collector = new HostMetricsCollector({ source: slowSource(1), intervalMs: 15, firstSampleDelayMs: 0, writer, logger: silentLogger });
    collector.start();
    await sleep(150);
    await collector.stop();
    expect(stored.length).toBe(collector.sampleCount);
    expect(stored.map((s) => s.cpuPercent)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
  });

  it('keeps sampling for the others when a listener throws', async () => {
    const collector = new HostMetricsCollector({ source: slowSource(1), intervalMs: 20, firstSampleDelayMs: 0, logger: silentLogger });
    const good: HostSample[] = [];
    collector.subscribe(() => {
      throw new Error('socket gone');
    });
    collector.subscribe((s) => good.push(s));
    collector.start();
    await sleep(120);
    await collector.stop();
    expect(good.length).toBeGreaterThanOrEqual(3);
    expect(collector.listenerCount).toBe(1);
  });
});
