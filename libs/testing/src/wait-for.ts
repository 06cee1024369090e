export interface WaitForOptions {
  /** Give up after this long. Defaults to 10 s. */
  timeoutMs?: number;
  /** Pause between polls. Defaults to 50 ms. */
  intervalMs?: number;
  /** What was awaited, for the timeout error. */
  message?: string;
}

type Pending = undefined | null | false;

/**
 * Calls `fn` until it returns something other than undefined, null or false
 * and resolves with that. A throw counts as "not yet"; the last one is
 * reported if the wait times out.
 */
export async function waitFor<T>(fn: () => Promise<T | Pending> | T | Pending, options: WaitForOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const detail = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new Error(`waitFor timed out after ${timeoutMs} ms waiting for ${message}${detail}`, { cause: lastError });
}
