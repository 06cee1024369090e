import { readFile, realpath, statfs } from 'node:fs/promises';
import { hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../testing/capture-logger.test-helpers.js';
import type { HostSample } from '../host-sample.js';
import { HostSampler } from './host-sampler.js';

// Real: systeminformation reading this machine's /proc, /sys and df. Values
// differ from run to run, so the checks are ranges, types and agreement with
// what the kernel says through other doors (/proc/meminfo, statfs, sysfs).

const sampler = new HostSampler({ host: hostname(), logger: silentLogger, readingTimeoutMs: 5000 });
let first: HostSample;

async function meminfo(): Promise<Map<string, number>> {
  const text = await readFile('/proc/meminfo', 'utf8');
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => {
        const [name = '', value = '0'] = line.split(/:\s+/);
        return [name, Number.parseInt(value, 10) * 1024] as const;
      }),
  );
}

function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) Math.sqrt(Math.random());
}

beforeAll(async () => {
  await sampler.prime();
  // systeminformation answers network calls less than 500 ms apart from its cache
  await new Promise((resolve) => setTimeout(resolve, 600));
  first = await sampler.sample();
});

describe('HostSampler on this machine', () => {
  it('names the host and the time of the sample', () => {
    expect(first.host).toBe(hostname());
    expect(Math.abs(Date.parse(first.at) - Date.now())).toBeLessThan(10_000);
  });

  it('reads CPU use as a percentage and the load averages', () => {
    expect(first.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(first.cpuPercent).toBeLessThanOrEqual(100);
    for (const load of [first.load1, first.load5, first.load15]) {
      expect(typeof load).toBe('number');
      expect(load).toBeGreaterThanOrEqual(0);
    }
  });

  it('sees a busy core between two samples', async () => {
    await sampler.sample();
    spin(700);
    const busy = await sampler.sample();
    // one of this machine's cores spun the whole time (other test processes only add to it)
    expect(busy.cpuPercent).toBeGreaterThan(100 / 4 / 2);
  });

  it('reads memory as total − available, agreeing with /proc/meminfo', async () => {
    const info = await meminfo();
    expect(first.memTotalBytes).toBe(totalmem());
    const used = (info.get('MemTotal') ?? 0) - (info.get('MemAvailable') ?? 0);
    expect(first.memUsedBytes).toBeGreaterThan(0);
    expect(first.memUsedBytes).toBeLessThanOrEqual(first.memTotalBytes ?? 0);
    // other processes allocate meanwhile; 10 % of the total is plenty of slack
    expect(Math.abs((first.memUsedBytes ?? 0) - used)).toBeLessThan(totalmem() * 0.1);
    expect(first.swapTotalBytes).toBe(info.get('SwapTotal'));
    expect(first.swapUsedBytes).toBeGreaterThanOrEqual(0);
    expect(first.swapUsedBytes).toBeLessThanOrEqual(first.swapTotalBytes ?? 0);
  });

  it('lists the root filesystem with the size statfs gives, and totals the disks', async () => {
    const root = first.disks.find((d) => d.mount === '/');
    expect(root).toBeDefined();
    const stats = await statfs('/');
    expect(root?.totalBytes).toBe(stats.blocks * stats.bsize);
    for (const disk of first.disks) {
      expect(disk.usedBytes).toBeGreaterThanOrEqual(0);
      expect(disk.usedBytes).toBeLessThanOrEqual(disk.totalBytes);
      expect(disk.fs).not.toBe('');
    }
    expect(first.diskTotalBytes).toBe(first.disks.reduce((sum, d) => sum + d.totalBytes, 0));
    expect(first.diskUsedBytes).toBe(first.disks.reduce((sum, d) => sum + d.usedBytes, 0));
    // no pseudo filesystem made it into the list
    expect(first.disks.map((d) => d.mount)).not.toContain('/proc');
    expect(first.disks.map((d) => d.mount)).not.toContain('/dev/shm');
  });

  it('gives network rates (primed) of the physical interfaces only, and their sum', async () => {
    expect(first.interfaces.length).toBeGreaterThan(0);
    for (const nic of first.interfaces) {
      expect(nic.name).not.toBe('lo');
      expect(nic.rxBytesPerS).toBeGreaterThanOrEqual(0);
      expect(nic.txBytesPerS).toBeGreaterThanOrEqual(0);
      // the kernel has hardware behind every listed interface (this machine has a physical one)
      expect(await realpath(join('/sys/class/net', nic.name))).not.toContain('/devices/virtual/');
    }
    const sum = (pick: (n: HostSample['interfaces'][number]) => number) => first.interfaces.reduce((s, n) => s + pick(n), 0);
    expect(first.netRxBytesPerS).toBeCloseTo(sum((n) => n.rxBytesPerS), 0);
    expect(first.netTxBytesPerS).toBeCloseTo(sum((n) => n.txBytesPerS), 0);
  });

  it('gives temperatures only when sensors exist (null, not 0, in a VM without them)', () => {
    for (const t of first.temperatures) {
      expect(t.celsius).toBeGreaterThan(0);
      expect(t.celsius).toBeLessThan(150);
    }
    if (first.cpuTempC === null) expect(first.temperatures.filter((t) => t.label === 'CPU' || t.label.startsWith('Core'))).toEqual([]);
    else expect(first.cpuTempC).toBeGreaterThan(0);
  });

  it('takes a sample well within the default 10 s interval', async () => {
    const started = performance.now();
    await sampler.sample();
    const took = performance.now() - started;
    expect(sampler.lastDurationMs).toBeDefined();
    expect(took).toBeLessThan(2000);
  });
});
