import { circuitBreakerPolicy, type BreakEvent, type CircuitBreaker, type CircuitBreakerOptions, type CircuitStateName } from './circuit-breaker.js';
import { neverAbortedSignal, noSubscription, type Listen } from './events.js';
import { retryPolicy, type Retry, type RetryEvent, type RetryOptions } from './retry.js';
import { timeoutPolicy, type Timeout, type TimeoutEvent, type TimeoutStrategyName } from './timeout.js';

export interface ResilienceOptions {
  /** Names the operation in errors and events (e.g. `nats.request`, `db.connect`). */
  name: string;
  /** Time limit per attempt. No limit when omitted. */
  timeoutMs?: number;
  /** Defaults to `aggressive`. */
  timeoutStrategy?: TimeoutStrategyName;
  /** Retries of a failed (or timed-out) attempt. No retries when omitted. */
  retry?: RetryOptions;
  /** Circuit breaker around the whole call (all its attempts). None when omitted. */
  breaker?: Omit<CircuitBreakerOptions, 'name'>;
}

export interface Resilience {
  readonly name: string;
  /**
   * Runs `fn` through breaker → retry → timeout (outermost to innermost):
   * each attempt gets its own time limit, and a call that failed after all
   * retries counts once towards opening the circuit.
   *
   * @throws CircuitOpenError while the circuit is open
   * @throws OperationTimeoutError when the last attempt timed out
   */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Undefined without a breaker. */
  readonly circuitState: CircuitStateName | undefined;
  readonly onRetry: Listen<RetryEvent>;
  readonly onTimeout: Listen<TimeoutEvent>;
  readonly onBreak: Listen<BreakEvent>;
  readonly onReset: Listen<void>;
  readonly onHalfOpen: Listen<void>;
  readonly onStateChange: Listen<CircuitStateName>;
  readonly timeout: Timeout | undefined;
  readonly retry: Retry | undefined;
  readonly breaker: CircuitBreaker | undefined;
}

type Step = <T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal) => Promise<T>;

const direct: Step = (fn, signal) => fn(signal);

function never<T>(): Listen<T> {
  return () => noSubscription;
}

export function createResilience(options: ResilienceOptions): Resilience {
  const { name } = options;
  const timeout = options.timeoutMs === undefined ? undefined : timeoutPolicy(options.timeoutMs, { name, strategy: options.timeoutStrategy });
  const retry = options.retry ? retryPolicy(options.retry) : undefined;
  const breaker = options.breaker ? circuitBreakerPolicy({ ...options.breaker, name }) : undefined;

  const withTimeout: Step = timeout ? (fn, signal) => timeout.execute(fn, signal) : direct;
  const withRetry: Step = retry ? (fn, signal) => retry.execute((inner) => withTimeout(fn, inner), signal) : (fn, signal) => withTimeout(fn, signal);
  const withBreaker: Step = breaker ? (fn, signal) => breaker.execute((inner) => withRetry(fn, inner), signal) : (fn, signal) => withRetry(fn, signal);

  return {
    name,
    timeout,
    retry,
    breaker,
    execute: (fn, signal) => withBreaker(fn, signal ?? neverAbortedSignal),
    get circuitState() {
      return breaker?.state;
    },
    onRetry: retry?.onRetry ?? never(),
    onTimeout: timeout?.onTimeout ?? never(),
    onBreak: breaker?.onBreak ?? never(),
    onReset: breaker?.onReset ?? never(),
    onHalfOpen: breaker?.onHalfOpen ?? never(),
    onStateChange: breaker?.onStateChange ?? never(),
  };
}
