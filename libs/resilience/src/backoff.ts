import { ExponentialBackoff, fullJitterGenerator } from 'cockatiel';

export interface BackoffOptions {
  /** Cap of the first delay. Defaults to 100 ms. */
  initialDelayMs?: number;
  /** Cap that the doubling delay never exceeds. Defaults to 10 s. */
  maxDelayMs?: number;
}

/**
 * Exponential backoff with FULL jitter: retry n waits a uniformly random time
 * in [0, min(maxDelayMs, initialDelayMs · 2^(n-1))). Full jitter spreads
 * reconnecting clients out best after an outage (AWS architecture blog,
 * "Exponential Backoff And Jitter").
 */
export function fullJitterBackoff(options: BackoffOptions = {}): ExponentialBackoff<number> {
  const { initialDelayMs = 100, maxDelayMs = 10_000 } = options;
  if (!(initialDelayMs >= 0) || !(maxDelayMs >= initialDelayMs)) {
    throw new RangeError(`backoff needs 0 <= initialDelayMs <= maxDelayMs (got ${initialDelayMs}, ${maxDelayMs})`);
  }
  return new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: initialDelayMs, maxDelay: maxDelayMs, exponent: 2 });
}
