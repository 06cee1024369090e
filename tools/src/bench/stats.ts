/** Latency percentiles in microseconds from samples in milliseconds. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return (sortedMs[index] ?? NaN) * 1000;
}

export interface LatencySummary {
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99), meanUs: mean * 1000 };
}

/** Runs `total` calls keeping `inFlight` outstanding; returns completed calls per second. */
export async function throughput(call: () => Promise<unknown>, total: number, inFlight: number): Promise<number> {
  let started = 0;
  const begin = performance.now();
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - begin) / 1000);
}
