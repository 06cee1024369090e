import type { ContainerStats } from './container-types.js';

interface CpuSample {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One `GET /containers/{id}/stats` sample, with every field optional: a stopped container's is nearly empty. */
export interface DockerStatsSample {
  read?: string;
  cpu_stats?: CpuSample;
  precpu_stats?: CpuSample;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number | undefined> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number } | undefined>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * CPU % as `docker stats` shows it (docker/cli calculateCPUPercentUnix): the
 * container's CPU time over the host's in the interval between the sample
 * and the one before (`precpu_stats`), times the CPUs online — 100 % is one
 * full core, so a busy 4-core container shows up to 400 %.
 */
export function cpuPercentOf(sample: DockerStatsSample): number {
  const cpu = sample.cpu_stats;
  const pre = sample.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const online = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 0;
  if (systemDelta <= 0 || cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * online * 100;
}

/**
 * Memory as `docker stats` shows it (docker/cli calculateMemUsageUnixNoCache):
 * usage minus the inactive file cache the kernel can drop at once —
 * `total_inactive_file` on cgroup v1, `inactive_file` on cgroup v2.
 */
export function memoryBytesOf(sample: DockerStatsSample): number {
  const memory = sample.memory_stats;
  const usage = memory?.usage ?? 0;
  const v1 = memory?.stats?.['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = memory?.stats?.['inactive_file'];
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

/** Block I/O read/written, summed over devices (docker/cli calculateBlockIO: ops starting with r/R and w/W). */
export function blockIoOf(sample: DockerStatsSample): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.[0]?.toLowerCase();
    if (op === 'r') read += entry.value ?? 0;
    else if (op === 'w') write += entry.value ?? 0;
  }
  return { read, write };
}

export function networkOf(sample: DockerStatsSample): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const iface of Object.values(sample.networks ?? {})) {
    rx += iface?.rx_bytes ?? 0;
    tx += iface?.tx_bytes ?? 0;
  }
  return { rx, tx };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The API's `ContainerStats` from one sample; `at` is when Docker read it (now, for a stopped container's empty sample). */
export function toContainerStats(sample: DockerStatsSample, now: Date = new Date()): ContainerStats {
  const network = networkOf(sample);
  const block = blockIoOf(sample);
  const read = sample.read && sample.read !== ZERO_TIME && !Number.isNaN(Date.parse(sample.read)) ? new Date(sample.read) : now;
  return {
    cpuPercent: round2(cpuPercentOf(sample)),
    memoryBytes: memoryBytesOf(sample),
    memoryLimitBytes: sample.memory_stats?.limit ?? 0,
    networkRxBytes: network.rx,
    networkTxBytes: network.tx,
    blockReadBytes: block.read,
    blockWriteBytes: block.write,
    pids: sample.pids_stats?.current ?? 0,
    at: read.toISOString(),
  };
}
