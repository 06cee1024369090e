import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobLease } from '@homelab/database';
import type pg from 'pg';
import { silentLogger } from '../testing/capture-logger.test-helpers.js';
import { DAY, HOUR, metricsDatabase, MINUTE, sampleAt, SECOND } from '../testing/metrics-database.test-helpers.js';
import type { HostSample } from '../host-sample.js';
import { DownsampleJob } from './downsample-job.js';
import { HostMetricsDownsampler } from './downsampler.js';
import { HostMetricsRepository } from './host-metrics.repository.js';

// Real: PostgreSQL with the dashboard's migrations, JobLease. Samples are synthetic with known values.

let db: Awaited<ReturnType<typeof metricsDatabase>>;
let pool: pg.Pool;
let repository: HostMetricsRepository;

const NOW = new Date('2026-06-10T12:00:00.000Z');
const DAY_AGO = new Date(NOW.getTime() - DAY);
const GB = 1e9;

interface StoredRow {
  host: string;
  resolution_s: number;
  at: Date;
  sample_count: number;
}

async function allRows(): Promise<StoredRow[]> {
  const { rows } = await pool.query<StoredRow>('SELECT * FROM host_metric_sample ORDER BY host, resolution_s, at');
  return rows;
}

async function insert(samples: HostSample[], resolution = 10): Promise<void> {
  for (let i = 0; i < samples.length; i += 500) await repository.insertRaw(samples.slice(i, i + 500), resolution);
}

/** 30 samples, 10 s apart, filling the 5-minute bucket that starts at `bucket`; value i for sample i. */
function bucketOfSamples(host: string, bucket: Date): HostSample[] {
  return Array.from({ length: 30 }, (_, i) =>
    sampleAt(host, new Date(bucket.getTime() + i * 10 * SECOND), {
      cpuPercent: i,
      load1: 1,
      memUsedBytes: GB + 1000 * i,
      netRxBytesPerS: 100 * i,
      cpuTempC: i < 10 ? null : 40 + i,
      disks: [
        { mount: '/', fs: '/dev/sda1', usedBytes: i * GB, totalBytes: 500 * GB },
        ...(i % 2 === 0 ? [{ mount: '/data', fs: '/dev/sdb1', usedBytes: i * GB, totalBytes: 1000 * GB }] : []),
      ],
      interfaces: [{ name: 'eth0', rxBytesPerS: 100 * i, txBytesPerS: 10 }],
      temperatures: i < 10 ? [] : [{ label: 'CPU', celsius: 40 + i }],
    }),
  );
}

beforeAll(async () => {
  db = await metricsDatabase('metrics_downsample');
  pool = db.pool;
  repository = new HostMetricsRepository(pool);
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await pool.query('TRUNCATE host_metric_sample, job_lease');
});

describe('HostMetricsDownsampler', () => {
  const downsampler = () => new HostMetricsDownsampler(pool, { retentionDays: 30 });

  it('averages a 5-minute bucket of raw samples (weighted, nulls skipped), keeps the peaks and deletes the raw rows', async () => {
    const bucket = new Date(DAY_AGO.getTime() - 10 * MINUTE);
    await insert(bucketOfSamples('alpha', bucket));
    const result = await downsampler().run(NOW);
    expect(result).toEqual({ rawFolded: 30, bucketsWritten: 1, expiredDeleted: 0 });
    const rows = await allRows();
    expect(rows.map((r) => [r.resolution_s, r.at.toISOString(), r.sample_count])).toEqual([[300, bucket.toISOString(), 30]]);
    const [point] = await repository.rows({ host: 'alpha', from: new Date(0), to: NOW }, 10);
    expect(point?.cpuPercent).toBeCloseTo(14.5, 10);
    expect(point?.load1).toBe(1);
    expect(point?.memUsedBytes).toBe(GB + 14_500);
    expect(point?.netRxBytesPerS).toBeCloseTo(1450, 10);
    // only the 20 samples with a temperature count: 40 + mean(10..29)
    expect(point?.cpuTempC).toBeCloseTo(59.5, 10);
    expect(point?.peak).toEqual({ cpuPercent: 29, memUsedBytes: GB + 29_000, netRxBytesPerS: 2900, netTxBytesPerS: 500, cpuTempC: 69 });
    expect(point?.disks).toEqual([
      // /data was only in the even samples: mean(0, 2, …, 28)
      { mount: '/data', fs: '/dev/sdb1', usedBytes: 14 * GB, totalBytes: 1000 * GB },
      { mount: '/', fs: '/dev/sda1', usedBytes: 14.5 * GB, totalBytes: 500 * GB },
    ].sort((a, b) => (a.mount < b.mount ? -1 : 1)));
    expect(point?.interfaces).toEqual([{ name: 'eth0', rxBytesPerS: 1450, txBytesPerS: 10 }]);
    expect(point?.temperatures).toEqual([{ label: 'CPU', celsius: 59.5 }]);
  });

  it('folds samples older than 24 h and keeps one exactly 24 h old raw', async () => {
    await insert([
      sampleAt('alpha', new Date(DAY_AGO.getTime() - 1), { cpuPercent: 70 }),
      sampleAt('alpha', DAY_AGO, { cpuPercent: 80 }),
      sampleAt('alpha', new Date(DAY_AGO.getTime() + 1), { cpuPercent: 90 }),
    ]);
    expect(await downsampler().run(NOW)).toMatchObject({ rawFolded: 1, bucketsWritten: 1 });
    const rows = await allRows();
    expect(rows.map((r) => [r.resolution_s, r.at.toISOString()])).toEqual([
      [10, DAY_AGO.toISOString()],
      [10, new Date(DAY_AGO.getTime() + 1).toISOString()],
      [300, new Date(DAY_AGO.getTime() - 5 * MINUTE).toISOString()],
    ]);
  });

  it('waits until a whole bucket is older than 24 h before folding it', async () => {
    // 24 h ago falls in the middle of the bucket 12:00–12:05
    const now = new Date(NOW.getTime() + 150 * SECOND);
    await insert([sampleAt('alpha', new Date(DAY_AGO.getTime() + 60 * SECOND)), sampleAt('alpha', new Date(DAY_AGO.getTime() + 200 * SECOND))]);
    expect(await downsampler().run(now)).toMatchObject({ rawFolded: 0, bucketsWritten: 0 });
    expect(await downsampler().run(new Date(NOW.getTime() + 5 * MINUTE))).toMatchObject({ rawFolded: 2, bucketsWritten: 1 });
  });

  it('changes nothing when run a second time', async () => {
    await insert(bucketOfSamples('alpha', new Date(DAY_AGO.getTime() - 2 * HOUR)));
    await insert(bucketOfSamples('alpha', new Date(NOW.getTime() - HOUR)));
    await downsampler().run(NOW);
    const after = await pool.query('SELECT * FROM host_metric_sample ORDER BY resolution_s, at');
    expect(await downsampler().run(NOW)).toEqual({ rawFolded: 0, bucketsWritten: 0, expiredDeleted: 0 });
    expect((await pool.query('SELECT * FROM host_metric_sample ORDER BY resolution_s, at')).rows).toEqual(after.rows);
    expect(after.rows).toHaveLength(31);
  });

  it('re-averages a stored bucket with a raw sample that arrived late for it', async () => {
    const bucket = new Date(DAY_AGO.getTime() - HOUR);
    await insert(bucketOfSamples('alpha', bucket));
    await downsampler().run(NOW);
    await insert([
      sampleAt('alpha', new Date(bucket.getTime() + 5 * SECOND), {
        cpuPercent: 60,
        cpuTempC: 100,
        netRxBytesPerS: 0,
        disks: [{ mount: '/data', fs: '/dev/sdb1', usedBytes: 100 * GB, totalBytes: 1000 * GB }],
      }),
    ]);
    expect(await downsampler().run(NOW)).toMatchObject({ rawFolded: 1, bucketsWritten: 1 });
    const rows = await allRows();
    expect(rows.map((r) => [r.resolution_s, r.sample_count])).toEqual([[300, 31]]);
    const [point] = await repository.rows({ host: 'alpha', from: new Date(0), to: NOW }, 10);
    expect(point?.cpuPercent).toBeCloseTo((14.5 * 30 + 60) / 31, 10);
    expect(point?.cpuTempC).toBeCloseTo((59.5 * 20 + 100) / 21, 10);
    expect(point?.peak?.cpuPercent).toBe(60);
    expect(point?.peak?.cpuTempC).toBe(100);
    expect(point?.peak?.netRxBytesPerS).toBe(2900);
    // /data was in 15 of the 30 stored samples and in the late one: (14 GB × 15 + 100 GB) / 16
    expect(point?.disks.find((d) => d.mount === '/data')?.usedBytes).toBe(Math.round((14 * GB * 15 + 100 * GB) / 16));
  });

  it('keeps hosts apart', async () => {
    const bucket = new Date(DAY_AGO.getTime() - HOUR);
    await insert([sampleAt('alpha', bucket, { cpuPercent: 10 }), sampleAt('beta', bucket, { cpuPercent: 90 })]);
    await downsampler().run(NOW);
    const { rows } = await pool.query<{ host: string; cpu_percent: number }>('SELECT host, cpu_percent FROM host_metric_sample ORDER BY host');
    expect(rows).toEqual([
      { host: 'alpha', cpu_percent: 10 },
      { host: 'beta', cpu_percent: 90 },
    ]);
  });

  it('deletes everything older than the retention, and keeps what is exactly that old', async () => {
    const edge = new Date(NOW.getTime() - 30 * DAY);
    await pool.query(
      `INSERT INTO host_metric_sample (host, resolution_s, at, sample_count, cpu_percent)
       VALUES ('alpha', 300, $1, 30, 1), ('alpha', 300, $2, 30, 2), ('alpha', 300, $3, 30, 3)`,
      [new Date(edge.getTime() - 5 * MINUTE), new Date(edge.getTime() - 1), edge],
    );
    expect(await downsampler().run(NOW)).toEqual({ rawFolded: 0, bucketsWritten: 0, expiredDeleted: 2 });
    expect((await allRows()).map((r) => r.at.toISOString())).toEqual([edge.toISOString()]);
  });

  it('works off a backlog of days in bounded chunks', async () => {
    const samples = Array.from({ length: 4 * 24 * 4 }, (_, i) => sampleAt('alpha', new Date(NOW.getTime() - 5 * DAY + i * 15 * MINUTE)));
    await insert(samples);
    const chunked = new HostMetricsDownsampler(pool, { retentionDays: 30, chunkMs: 6 * HOUR });
    const result = await chunked.run(NOW);
    // 4 days older than 24 h, one sample per quarter hour, each in its own bucket
    expect(result.rawFolded).toBe(4 * 24 * 4);
    expect(result.bucketsWritten).toBe(4 * 24 * 4);
    const { rows } = await pool.query<{ resolution_s: number; n: string }>(
      'SELECT resolution_s, count(*) AS n FROM host_metric_sample GROUP BY resolution_s ORDER BY resolution_s',
    );
    expect(rows).toEqual([{ resolution_s: 300, n: String(4 * 24 * 4) }]);
  });

  it('does not double-count when two runs overlap', async () => {
    const buckets = Array.from({ length: 10 }, (_, i) => new Date(DAY_AGO.getTime() - (i + 1) * 5 * MINUTE));
    await insert(buckets.flatMap((b) => bucketOfSamples('alpha', b)));
    const results = await Promise.all([downsampler().run(NOW), downsampler().run(NOW), downsampler().run(NOW)]);
    expect(results.reduce((sum, r) => sum + r.rawFolded, 0)).toBe(300);
    const { rows } = await pool.query<{ resolution_s: number; sample_count: number; cpu_percent: number }>(
      'SELECT resolution_s, sample_count, cpu_percent FROM host_metric_sample',
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toEqual({ resolution_s: 300, sample_count: 30, cpu_percent: 14.5 });
  });
});

describe('DownsampleJob', () => {
  it('runs on one replica only: the other finds the lease taken', async () => {
    await insert(bucketOfSamples('alpha', new Date(DAY_AGO.getTime() - HOUR)));
    const replica = (id: string) =>
      new DownsampleJob({
        downsampler: new HostMetricsDownsampler(pool, { retentionDays: 30 }),
        lease: new JobLease(pool, id, 60_000),
        periodMs: 300_000,
        logger: silentLogger,
      });
    const [a, b] = [replica('replica-a'), replica('replica-b')];
    const outcomes = await Promise.all([a.runNow(NOW), b.runNow(NOW)]);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect(outcomes.find((o) => o.ran)).toEqual({ ran: true, result: { rawFolded: 30, bucketsWritten: 1, expiredDeleted: 0 } });
    // the holder keeps it on its next run; the other still does not get it
    const leader = outcomes[0]?.ran ? a : b;
    const follower = leader === a ? b : a;
    expect((await leader.runNow(NOW)).ran).toBe(true);
    expect((await follower.runNow(NOW)).ran).toBe(false);
    // a stopping leader gives the lease up at once
    await leader.stop();
    expect((await follower.runNow(NOW)).ran).toBe(true);
    await follower.stop();
  });
});
