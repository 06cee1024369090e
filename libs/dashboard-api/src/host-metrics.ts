// docs/dashboard-api.md, "Host metrics".

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
 * One reading of a machine (`GET /api/host-metrics/current`, the `sample`
 * event of the stream). A figure the machine could not give (a failing or
 * absent sensor, the first network sample) is null, never a made-up 0.
 */
export interface HostSample {
  host: string;
  /** When the sample was taken (a bucket's start for averages). */
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

/** `Peak` of the API: the highest raw values inside an averaged point, what an average would hide. */
export interface HostPeak {
  cpuPercent: number | null;
  memUsedBytes: number | null;
  netRxBytesPerS: number | null;
  netTxBytesPerS: number | null;
  cpuTempC: number | null;
}

/** A history point: a raw sample (`peak` null) or the average of several (`peak` their maxima). */
export type HostHistoryPoint = HostSample & { peak: HostPeak | null };

/** `?range=` of the history. */
export type HostMetricsRange = '1h' | '6h' | '24h' | '7d' | '30d';

/** `GET /api/host-metrics/history`. */
export interface HostHistory {
  host: string;
  range: HostMetricsRange;
  resolutionSeconds: number;
  samples: HostHistoryPoint[];
}
