/** The API's host-metrics shapes (docs/dashboard-api.md, "Host metrics"), from @homelab/dashboard-api. */
import type { HostMetricsRange, HostSample } from '@homelab/dashboard-api';

export type { DiskUsage, InterfaceRate, TemperatureReading, HostSample, HostPeak, HostHistoryPoint, HostHistory } from '@homelab/dashboard-api';

/** The scalar figures of a sample (what the table stores as columns). */
export type HostFigures = Pick<
  HostSample,
  | 'cpuPercent'
  | 'load1'
  | 'load5'
  | 'load15'
  | 'memUsedBytes'
  | 'memTotalBytes'
  | 'swapUsedBytes'
  | 'swapTotalBytes'
  | 'diskUsedBytes'
  | 'diskTotalBytes'
  | 'netRxBytesPerS'
  | 'netTxBytesPerS'
  | 'cpuTempC'
>;

export const HISTORY_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const satisfies readonly HostMetricsRange[];
/** `?range=` of the history; `history-plan.ts` maps every one of them. */
export type HistoryRange = HostMetricsRange;
