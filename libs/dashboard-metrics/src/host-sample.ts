/** One mounted filesystem (pseudo, union and network filesystems are left out). */
export interface DiskUsage {
  mount: string;
  fs: string;
  usedBytes: number;
  totalBytes: number;
}

/** Traffic of one physical interface, bytes per second since the previous sample. */
export interface InterfaceRate {
  name: string;
  rxBytesPerS: number;
  txBytesPerS: number;
}

export interface TemperatureReading {
  label: string;
  celsius: number;
}

/**
 * One reading of a machine. A figure the machine could not give (a failing
 * or absent sensor, the first network sample) is null, never a made-up 0.
 */
export interface HostSample {
  host: string;
  /** ISO 8601, UTC: when the sample was taken (a bucket's start for averages). */
  at: string;
  cpuPercent: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  swapUsedBytes: number | null;
  swapTotalBytes: number | null;
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  netRxBytesPerS: number | null;
  netTxBytesPerS: number | null;
  cpuTempC: number | null;
  disks: DiskUsage[];
  interfaces: InterfaceRate[];
  temperatures: TemperatureReading[];
}

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

/** The highest raw values inside an averaged point: what an average would hide. */
export interface HostPeak {
  cpuPercent: number | null;
  memUsedBytes: number | null;
  netRxBytesPerS: number | null;
  netTxBytesPerS: number | null;
  cpuTempC: number | null;
}

/** A history point: a raw sample (`peak` null) or the average of several (`peak` their maxima). */
export type HostHistoryPoint = HostSample & { peak: HostPeak | null };

export const HISTORY_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export interface HostHistory {
  host: string;
  range: HistoryRange;
  resolutionSeconds: number;
  samples: HostHistoryPoint[];
}
