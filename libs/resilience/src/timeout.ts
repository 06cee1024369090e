import { EventEmitter, timeout, TimeoutStrategy, type TimeoutPolicy } from 'cockatiel';
import { OperationTimeoutError } from './errors.js';
import type { Listen } from './events.js';

/**
 * `aggressive`: the caller gets OperationTimeoutError as soon as time is up,
 * even if the function ignores its signal. `cooperative`: the signal is
 * aborted and the caller waits for the function to react.
 */
export type TimeoutStrategyName = 'aggressive' | 'cooperative';

export interface TimeoutOptions {
  /** Defaults to `aggressive`. */
  strategy?: TimeoutStrategyName;
  /** Names the operation in OperationTimeoutError. */
  name?: string;
}

export interface TimeoutEvent {
  operation: string;
  timeoutMs: number;
}

export interface Timeout {
  readonly timeoutMs: number;
  /** Runs `fn` with a signal that aborts after `timeoutMs` (or when `signal` aborts). */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Fires when the time limit (not the caller's signal) aborts an execution. */
  readonly onTimeout: Listen<TimeoutEvent>;
  /** The underlying cockatiel policy. */
  readonly policy: TimeoutPolicy;
}

export function timeoutPolicy(timeoutMs: number, options: TimeoutOptions = {}): Timeout {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0 (got ${timeoutMs})`);
  const operation = options.name ?? 'operation';
  const strategy = options.strategy === 'cooperative' ? TimeoutStrategy.Cooperative : TimeoutStrategy.Aggressive;
  const policy = timeout(timeoutMs, strategy);
  const timeouts = new EventEmitter<TimeoutEvent>();

  const execute = async <T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    // cockatiel aborts the inner signal for three reasons: time is up, the caller
    // aborted, or fn returned; only the first is a timeout
    let settled = false;
    let timedOut = false;
    try {
      return await policy.execute(async (_context, inner) => {
        inner.addEventListener(
          'abort',
          () => {
            if (settled || signal?.aborted) return;
            timedOut = true;
            timeouts.emit({ operation, timeoutMs });
          },
          { once: true },
        );
        try {
          return await fn(inner);
        } finally {
          settled = true;
        }
      }, signal);
    } catch (error) {
      if (timedOut) throw new OperationTimeoutError(operation, timeoutMs, { cause: error });
      throw error;
    }
  };

  return { timeoutMs, policy, execute, onTimeout: timeouts.addListener };
}
