import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@homelab/testing';
import { HostMetricsCollector } from './collector/host-metrics-collector.js';
import { MetricsHostUnknownError, MetricsNotReadyError, MetricsStoreUnavailableError } from './host-metrics-errors.js';
import { HostMetricsService } from './host-metrics.service.js';
import type { HistoryRange, HostSample } from './host-sample.js';
import { HostMetricsDownsampler } from './store/downsampler.js';
import { HostMetricsRepository } from './store/host-metrics.repository.js';
import { silentLogger } from './testing/capture-logger.test-helpers.js';
import { DAY, HOUR, metricsDatabase, MINUTE, sampleAt, SECOND } from './testing/metrics-database.test-helpers.js';

// Real: PostgreSQL with the dashboard's migrations, the downsampler. History of
// 30 days is generated: a sample per minute beyond 24 h, per 10 s within it,
// CPU % = the UTC hour of the sample, so every average has a known value.

let db: Awaited<ReturnType<typeof metricsDatabase>>;
let repository: HostMetricsRepository;
const NOW = new Date('2026-06-10T12:00:00.000Z');
const LOCAL = 'local-box';

function service(options: { rawResolutionSeconds?: number; collector?: HostMetricsCollector } = {}): HostMetricsService {
  return new HostMetricsService({
    collector: options.collector ?? new HostMetricsCollector({ source: { sample: async () => sampleAt(LOCAL, new Date()) }, intervalMs: 10_000, logger: silentLogger }),
    repository,
    localHost: LOCAL,
    intervalMs: (options.rawResolutionSeconds ?? 10) * 1000,
    rawResolutionSeconds: options.rawResolutionSeconds ?? 10,
    logger: silentLogger,
    now: () => NOW,
  });
}

async function generate(host: string, from: Date, to: Date, stepSeconds: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO host_metric_sample (host, resolution_s, at, cpu_percent, mem_used_bytes, details)
     SELECT $1, 10, t, extract(hour FROM t AT TIME ZONE 'UTC'), 1000,
            jsonb_build_object('disks', jsonb_build_array(jsonb_build_object('mount', '/', 'fs', '/dev/sda1', 'usedBytes', 5, 'totalBytes', 10)))
       FROM generate_series($2::timestamptz, $3::timestamptz, make_interval(secs => $4)) t`,
    [host, from, to, stepSeconds],
  );
}

beforeAll(async () => {
  db = await metricsDatabase('metrics_history');
  repository = new HostMetricsRepository(db.pool);
  const dayAgo = new Date(NOW.getTime() - DAY);
  await generate(LOCAL, new Date(NOW.getTime() - 30 * DAY), new Date(dayAgo.getTime() - SECOND), 60);
  await generate(LOCAL, dayAgo, NOW, 10);
  await new HostMetricsDownsampler(db.pool, { retentionDays: 30 }).run(NOW);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

const hourOf = (sample: HostSample) => new Date(sample.at).getUTCHours();

describe('HostMetricsService.history', () => {
  const cases: { range: HistoryRange; resolution: number; spanMs: number }[] = [
    { range: '1h', resolution: 10, spanMs: HOUR },
    { range: '6h', resolution: 60, spanMs: 6 * HOUR },
    { range: '24h', resolution: 300, spanMs: DAY },
    { range: '7d', resolution: 1800, spanMs: 7 * DAY },
    { range: '30d', resolution: 7200, spanMs: 30 * DAY },
  ];

  for (const { range, resolution, spanMs } of cases) {
    it(`${range}: ${resolution} s resolution, a few hundred points, right values`, async () => {
      const history = await service().history(range);
      expect(history).toMatchObject({ host: LOCAL, range, resolutionSeconds: resolution });
      const points = history.samples;
      expect(points.length).toBeGreaterThan(250);
      expect(points.length).toBeLessThanOrEqual(400);
      expect(Date.parse(points[0]?.at ?? '')).toBeGreaterThanOrEqual(NOW.getTime() - spanMs - resolution * 1000);
      expect(Date.parse(points.at(-1)?.at ?? '')).toBeLessThanOrEqual(NOW.getTime());
      const ats = points.map((p) => Date.parse(p.at));
      expect([...ats].sort((a, b) => a - b)).toEqual(ats);
      // whole buckets inside the window: the average of their samples' hours
      for (const point of points.slice(1, -1)) {
        const expected = resolution === 7200 ? hourOf(point) + 0.5 : hourOf(point);
        expect(point.cpuPercent).toBeCloseTo(expected, 9);
        expect(point.memUsedBytes).toBe(1000);
        expect(point.disks).toEqual([{ mount: '/', fs: '/dev/sda1', usedBytes: 5, totalBytes: 10 }]);
        if (resolution === 10) expect(point.peak).toBeNull();
        else expect(point.peak?.cpuPercent).toBe(resolution === 7200 ? hourOf(point) + 1 : hourOf(point));
      }
    });
  }

  it('serves rows as stored when the samples are as coarse as the range asks (1-minute interval, 1 h)', async () => {
    const history = await service({ rawResolutionSeconds: 60 }).history('1h');
    expect(history.resolutionSeconds).toBe(60);
    // stored every 10 s here, served raw: all 361 rows, no averaging
    expect(history.samples).toHaveLength(361);
    expect(history.samples.every((p) => p.peak === null)).toBe(true);
  });

  it('answers an empty history for the own host before anything was stored', async () => {
    const fresh = new HostMetricsService({
      collector: new HostMetricsCollector({ source: { sample: async () => sampleAt('new-box', new Date()) }, intervalMs: 10_000, logger: silentLogger }),
      repository,
      localHost: 'new-box',
      intervalMs: 10_000,
      rawResolutionSeconds: 10,
      logger: silentLogger,
      now: () => NOW,
    });
    expect(await fresh.history('24h')).toEqual({ host: 'new-box', range: '24h', resolutionSeconds: 300, samples: [] });
  });

  it('serves another recorded host with ?host=, and refuses one never recorded', async () => {
    await repository.insertRaw([sampleAt('other-box', new Date(NOW.getTime() - MINUTE), { cpuPercent: 77 })], 10);
    const other = await service().history('1h', 'other-box');
    expect(other.samples.map((s) => [s.host, s.cpuPercent])).toEqual([['other-box', 77]]);
    const error = await service().history('1h', 'nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsHostUnknownError);
    expect((error as MetricsHostUnknownError).details?.['hosts']).toEqual([LOCAL, 'other-box']);
  });
});

describe('HostMetricsService.current', () => {
  it('is METRICS_NOT_READY before the first sample, then the latest sample from memory', async () => {
    let n = 0;
    const collector = new HostMetricsCollector({
      source: { sample: async () => sampleAt(LOCAL, new Date(), { cpuPercent: ++n }) },
      intervalMs: 20,
      firstSampleDelayMs: 0,
      logger: silentLogger,
    });
    const metrics = service({ collector });
    const error = await metrics.current().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsNotReadyError);
    expect((error as MetricsNotReadyError).code).toBe('METRICS_NOT_READY');
    collector.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await collector.stop();
    expect((await metrics.current()).cpuPercent).toBe(collector.sampleCount);
    expect(collector.sampleCount).toBeGreaterThan(1);
  });

  it('reads another host\'s latest stored sample', async () => {
    await repository.insertRaw([sampleAt('far-box', new Date(NOW.getTime() - 2 * MINUTE), { cpuPercent: 1 })], 10);
    await repository.insertRaw([sampleAt('far-box', new Date(NOW.getTime() - MINUTE), { cpuPercent: 2 })], 10);
    expect((await service().current('far-box')).cpuPercent).toBe(2);
    await expect(service().current('nowhere')).rejects.toBeInstanceOf(MetricsHostUnknownError);
  });
});

describe('HostMetricsRepository', () => {
  it('stores a sample and gives it back unchanged; storing it again is a no-op', async () => {
    const sample = sampleAt('round-trip', new Date('2026-06-10T11:59:50.123Z'), {
      cpuTempC: null,
      netRxBytesPerS: 12.5,
      disks: [
        { mount: '/', fs: '/dev/nvme0n1p2', usedBytes: 123_456_789_012, totalBytes: 999_999_999_999 },
        { mount: '/srv', fs: '/dev/sdb1', usedBytes: 1, totalBytes: 2 },
      ],
      temperatures: [],
    });
    await repository.insertRaw([sample], 10);
    await repository.insertRaw([sample], 10);
    expect(await repository.rows({ host: 'round-trip', from: new Date(0), to: NOW }, 10)).toEqual([{ ...sample, peak: null }]);
    expect(await repository.latest('round-trip')).toEqual(sample);
  });
});

describe('when the database is unreachable', () => {
  it('answers METRICS_STORE_UNAVAILABLE instead of an internal error', async () => {
    const deadPool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 1000 });
    deadPool.on('error', () => undefined);
    const metrics = new HostMetricsService({
      collector: new HostMetricsCollector({ source: { sample: async () => sampleAt(LOCAL, new Date()) }, intervalMs: 10_000, logger: silentLogger }),
      repository: new HostMetricsRepository(deadPool),
      localHost: LOCAL,
      intervalMs: 10_000,
      rawResolutionSeconds: 10,
      logger: silentLogger,
    });
    try {
      const error = await metrics.history('1h').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetricsStoreUnavailableError);
      expect((error as MetricsStoreUnavailableError).code).toBe('METRICS_STORE_UNAVAILABLE');
      await expect(metrics.current('other')).rejects.toBeInstanceOf(MetricsStoreUnavailableError);
    } finally {
      await deadPool.end();
    }
  });
});
