import { describe, expect, it } from 'vitest';
import { blockIoOf, cpuPercentOf, memoryBytesOf, networkOf, toContainerStats, type DockerStatsSample } from './stats-math.js';

const MIB = 1024 * 1024;

describe('docker stats maths', () => {
  it('CPU %: container CPU time over host CPU time between two samples, times the CPUs online', () => {
    const sample: DockerStatsSample = {
      cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 }, system_cpu_usage: 104_000_000_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 100_000_000_000, online_cpus: 4 },
    };
    // 0.5 s of CPU in 4 s of host time (4 CPUs × 1 s) → one core half busy → 50 %
    expect(cpuPercentOf(sample)).toBe(50);
  });

  it('CPU %: counts per-CPU entries when online_cpus is missing (older engines), and is 0 without a delta', () => {
    expect(
      cpuPercentOf({
        cpu_stats: { cpu_usage: { total_usage: 300, percpu_usage: [150, 150] }, system_cpu_usage: 2000 },
        precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1000 },
      }),
    ).toBe(40);
    expect(cpuPercentOf({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10, online_cpus: 2 }, precpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 } })).toBe(0);
    expect(cpuPercentOf({})).toBe(0);
  });

  it('memory: usage minus the inactive file cache (cgroup v1 total_inactive_file, else v2 inactive_file)', () => {
    expect(memoryBytesOf({ memory_stats: { usage: 100 * MIB, stats: { total_inactive_file: 10 * MIB, inactive_file: 1 * MIB } } })).toBe(90 * MIB);
    expect(memoryBytesOf({ memory_stats: { usage: 100 * MIB, stats: { inactive_file: 30 * MIB } } })).toBe(70 * MIB);
    // a cache figure above the usage is not subtracted (docker/cli does the same)
    expect(memoryBytesOf({ memory_stats: { usage: 5 * MIB, stats: { inactive_file: 6 * MIB } } })).toBe(5 * MIB);
    expect(memoryBytesOf({ memory_stats: {} })).toBe(0);
  });

  it('block I/O sums reads and writes over devices in both cgroup spellings; network sums interfaces', () => {
    expect(
      blockIoOf({
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: 'Read', value: 100 },
            { op: 'Write', value: 20 },
            { op: 'Sync', value: 999 },
            { op: 'Total', value: 120 },
            { op: 'read', value: 1 },
            { op: 'write', value: 2 },
          ],
        },
      }),
    ).toEqual({ read: 101, write: 22 });
    expect(blockIoOf({ blkio_stats: { io_service_bytes_recursive: null } })).toEqual({ read: 0, write: 0 });
    expect(networkOf({ networks: { eth0: { rx_bytes: 10, tx_bytes: 1 }, eth1: { rx_bytes: 5, tx_bytes: 2 } } })).toEqual({ rx: 15, tx: 3 });
  });

  it('builds ContainerStats; a stopped container\'s empty sample is all zeros, stamped now', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(toContainerStats({ read: '0001-01-01T00:00:00Z', memory_stats: {} }, now)).toEqual({
      cpuPercent: 0,
      memoryBytes: 0,
      memoryLimitBytes: 0,
      networkRxBytes: 0,
      networkTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
      pids: 0,
      at: '2026-12-01T12:00:00.000Z',
    });
    const stats = toContainerStats({
      read: '2026-12-01T11:59:59.123456789Z',
      cpu_stats: { cpu_usage: { total_usage: 1_000_000_001 }, system_cpu_usage: 3_000_000_000, online_cpus: 1 },
      precpu_stats: { cpu_usage: { total_usage: 1 }, system_cpu_usage: 0 },
      memory_stats: { usage: 10, limit: 100 },
      pids_stats: { current: 4 },
    });
    expect(stats).toMatchObject({ cpuPercent: 33.33, memoryBytes: 10, memoryLimitBytes: 100, pids: 4, at: '2026-12-01T11:59:59.123Z' });
  });
});
