import type { HostFigures, HostPeak } from '../host-sample.js';

export interface MetricColumn {
  column: string;
  field: keyof HostFigures;
  /** BIGINT columns come back from pg as strings and are averaged to whole bytes. */
  bigint: boolean;
  /** The column holding the maximum inside an average, for the figures whose peaks matter. */
  peak?: { column: string; field: keyof HostPeak };
}

/**
 * The scalar columns of host_metric_sample, in one place for inserts,
 * averages and reads. Peaks are kept where an average hides what an
 * operator looks for: CPU spikes, memory high-water marks (OOM risk),
 * traffic bursts, heat. Load averages are already smoothed, disk and totals
 * move slowly, and lows are nobody's worry, so those keep averages only.
 */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { column: 'cpu_percent', field: 'cpuPercent', bigint: false, peak: { column: 'cpu_percent_max', field: 'cpuPercent' } },
  { column: 'load1', field: 'load1', bigint: false },
  { column: 'load5', field: 'load5', bigint: false },
  { column: 'load15', field: 'load15', bigint: false },
  { column: 'mem_used_bytes', field: 'memUsedBytes', bigint: true, peak: { column: 'mem_used_bytes_max', field: 'memUsedBytes' } },
  { column: 'mem_total_bytes', field: 'memTotalBytes', bigint: true },
  { column: 'swap_used_bytes', field: 'swapUsedBytes', bigint: true },
  { column: 'swap_total_bytes', field: 'swapTotalBytes', bigint: true },
  { column: 'disk_used_bytes', field: 'diskUsedBytes', bigint: true },
  { column: 'disk_total_bytes', field: 'diskTotalBytes', bigint: true },
  {
    column: 'net_rx_bytes_per_s',
    field: 'netRxBytesPerS',
    bigint: false,
    peak: { column: 'net_rx_bytes_per_s_max', field: 'netRxBytesPerS' },
  },
  {
    column: 'net_tx_bytes_per_s',
    field: 'netTxBytesPerS',
    bigint: false,
    peak: { column: 'net_tx_bytes_per_s_max', field: 'netTxBytesPerS' },
  },
  { column: 'cpu_temp_c', field: 'cpuTempC', bigint: false, peak: { column: 'cpu_temp_c_max', field: 'cpuTempC' } },
];

export const PEAK_COLUMNS = METRIC_COLUMNS.flatMap((c) => (c.peak ? [{ ...c.peak, source: c.column, bigint: c.bigint }] : []));
