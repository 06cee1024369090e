import { HISTORY_RANGES, type HistoryRange } from '../host-sample.js';

interface RangeSpec {
  durationMs: number;
  /** Bucket width that gives a chart a few hundred points over this range. */
  bucketSeconds: number;
}

const HOUR_MS = 3_600_000;

/**
 * 1 h at 10 s, 6 h at 1 min, 24 h at 5 min, 7 d at 30 min, 30 d at 2 h:
 * 288 to 360 points each, enough for a chart as wide as a screen and cheap
 * to draw. Bucket widths beyond 24 h are multiples of the stored 5 minutes,
 * so stored averages fold into them exactly.
 */
const RANGES: Record<HistoryRange, RangeSpec> = {
  '1h': { durationMs: HOUR_MS, bucketSeconds: 10 },
  '6h': { durationMs: 6 * HOUR_MS, bucketSeconds: 60 },
  '24h': { durationMs: 24 * HOUR_MS, bucketSeconds: 300 },
  '7d': { durationMs: 7 * 24 * HOUR_MS, bucketSeconds: 1800 },
  '30d': { durationMs: 30 * 24 * HOUR_MS, bucketSeconds: 7200 },
};

export interface HistoryPlan {
  range: HistoryRange;
  from: Date;
  to: Date;
  resolutionSeconds: number;
  /** True: stored rows as they are (the range's resolution is the sampling interval); false: averaged on the fly. */
  raw: boolean;
}

export function isHistoryRange(value: string): value is HistoryRange {
  return (HISTORY_RANGES as readonly string[]).includes(value);
}

/**
 * How to answer a history request: the range's bucket width, but never
 * finer than the samples themselves (a 1-minute interval serves 1 h raw).
 */
export function planHistory(range: HistoryRange, rawResolutionSeconds: number, now: Date): HistoryPlan {
  const spec = RANGES[range];
  const resolutionSeconds = Math.max(spec.bucketSeconds, rawResolutionSeconds);
  return {
    range,
    from: new Date(now.getTime() - spec.durationMs),
    to: now,
    resolutionSeconds,
    raw: resolutionSeconds === rawResolutionSeconds,
  };
}

/** The stored resolution of raw samples: the interval in whole seconds (at least 1). */
export function rawResolutionSeconds(intervalMs: number): number {
  return Math.max(1, Math.round(intervalMs / 1000));
}
