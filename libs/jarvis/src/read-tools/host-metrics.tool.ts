import { z } from 'zod';
import type { HostHistory, HostHistoryPoint, HostMetricsRange, HostSample } from '@homelab/dashboard-api';
import type { JarvisTool } from '../tools/jarvis-tool.js';

/** What the tool needs of the host-metrics feature. */
export interface HostMetricsSource {
  current(host?: string): Promise<HostSample>;
  history(range: HostMetricsRange, host?: string): Promise<HostHistory>;
}

const parameters = z
  .object({
    host: z.string().trim().min(1).max(253).optional().describe('Host name as recorded; default the dashboard\'s own machine.'),
    range: z.enum(['1h', '6h', '24h', '7d']).default('1h').describe('How far back the history summary reaches.'),
  })
  .strict();

const percent = (used: number | null, total: number | null): number | null =>
  used === null || total === null || total === 0 ? null : Math.round((used / total) * 1000) / 10;
const round1 = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

function compactSample(sample: HostSample) {
  return {
    at: sample.at,
    cpuPercent: round1(sample.cpuPercent),
    load: [sample.load1, sample.load5, sample.load15].map(round1),
    memory: { usedBytes: sample.memUsedBytes, totalBytes: sample.memTotalBytes, usedPercent: percent(sample.memUsedBytes, sample.memTotalBytes) },
    swap: { usedBytes: sample.swapUsedBytes, totalBytes: sample.swapTotalBytes },
    disks: sample.disks.map((disk) => ({ mount: disk.mount, usedBytes: disk.usedBytes, totalBytes: disk.totalBytes, usedPercent: percent(disk.usedBytes, disk.totalBytes) })),
    network: { rxBytesPerS: round1(sample.netRxBytesPerS), txBytesPerS: round1(sample.netTxBytesPerS) },
    cpuTempC: round1(sample.cpuTempC),
  };
}

function stats(points: readonly HostHistoryPoint[], value: (p: HostHistoryPoint) => number | null, peak: (p: HostHistoryPoint) => number | null) {
  const values = points.map(value).filter((v): v is number => v !== null);
  const peaks = points.map((p) => peak(p) ?? value(p)).filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  return { avg: round1(values.reduce((sum, v) => sum + v, 0) / values.length), max: round1(Math.max(...peaks)) };
}

/** The history in a few numbers (averages and peaks), not hundreds of points. */
export function summarizeHistory(history: HostHistory) {
  const points = history.samples;
  return {
    range: history.range,
    points: points.length,
    from: points[0]?.at ?? null,
    to: points.at(-1)?.at ?? null,
    cpuPercent: stats(points, (p) => p.cpuPercent, (p) => p.peak?.cpuPercent ?? null),
    memoryUsedPercent: stats(
      points,
      (p) => percent(p.memUsedBytes, p.memTotalBytes),
      (p) => percent(p.peak?.memUsedBytes ?? null, p.memTotalBytes),
    ),
    networkRxBytesPerS: stats(points, (p) => p.netRxBytesPerS, (p) => p.peak?.netRxBytesPerS ?? null),
    networkTxBytesPerS: stats(points, (p) => p.netTxBytesPerS, (p) => p.peak?.netTxBytesPerS ?? null),
    cpuTempC: stats(points, (p) => p.cpuTempC, (p) => p.peak?.cpuTempC ?? null),
  };
}

/** `host_metrics`: the host's current reading and a summary of its recent history. */
export function createHostMetricsTool(source: HostMetricsSource): JarvisTool<typeof parameters> {
  return {
    name: 'host_metrics',
    description: 'Current CPU, load, memory, disk, network and temperature of a host, with averages and peaks over a recent range.',
    parameters,
    readOnly: true,
    async run(args) {
      const [current, history] = await Promise.all([source.current(args.host), source.history(args.range, args.host)]);
      const now = compactSample(current);
      const cpu = now.cpuPercent === null ? 'CPU unknown' : `CPU ${now.cpuPercent}%`;
      const memory = now.memory.usedPercent === null ? '' : `, memory ${now.memory.usedPercent}%`;
      return { ok: true, summary: `${current.host}: ${cpu}${memory}`, content: { host: current.host, current: now, history: summarizeHistory(history) } };
    },
  };
}
