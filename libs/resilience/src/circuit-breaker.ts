import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  handleWhen,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { CircuitOpenError } from './errors.js';
import { reasonError, type Listen, type Subscription } from './events.js';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const stateNames: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export interface CircuitBreakerOptions {
  /** Names the circuit in CircuitOpenError and events. */
  name: string;
  /** Consecutive failures that open the circuit. Defaults to 5. */
  consecutiveFailures?: number;
  /** How long the circuit stays open before one trial call is let through. Defaults to 10 s. */
  halfOpenAfterMs?: number;
  /** Which errors count as failures. Defaults to all. */
  handle?: (error: unknown) => boolean;
}

export interface BreakEvent {
  circuit: string;
  /** The failure that opened the circuit; undefined when opened by isolate(). */
  error: unknown;
  isolated: boolean;
}

export interface CircuitBreaker {
  readonly name: string;
  readonly state: CircuitStateName;
  /** Runs `fn` unless the circuit is open, in which case it throws CircuitOpenError without calling it. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly onStateChange: Listen<CircuitStateName>;
  readonly onBreak: Listen<BreakEvent>;
  readonly onReset: Listen<void>;
  readonly onHalfOpen: Listen<void>;
  /** Holds the circuit open until the returned subscription is disposed (e.g. maintenance). */
  isolate(): Subscription;
  /** The underlying cockatiel policy. */
  readonly policy: CircuitBreakerPolicy;
}

export function circuitBreakerPolicy(options: CircuitBreakerOptions): CircuitBreaker {
  const { name, consecutiveFailures = 5, halfOpenAfterMs = 10_000, handle } = options;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) {
    throw new RangeError(`consecutiveFailures must be a whole number >= 1 (got ${consecutiveFailures})`);
  }
  const policy = circuitBreaker(handle ? handleWhen((error) => handle(error)) : handleAll, {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(consecutiveFailures),
  });

  const execute = async <T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    // errors fn throws pass through untouched, even a BrokenCircuitError of some inner breaker
    let fromFn = false;
    try {
      return await policy.execute(async ({ signal: inner }) => {
        try {
          return await fn(inner);
        } catch (error) {
          fromFn = true;
          throw error;
        }
      }, signal);
    } catch (error) {
      if (!fromFn && isBrokenCircuitError(error)) throw new CircuitOpenError(name, { cause: error });
      throw error;
    }
  };

  return {
    name,
    policy,
    execute,
    get state() {
      return stateNames[policy.state];
    },
    onStateChange: (listener) => policy.onStateChange((state) => listener(stateNames[state])),
    onBreak: (listener) =>
      policy.onBreak((reason) =>
        'isolated' in reason
          ? listener({ circuit: name, error: undefined, isolated: true })
          : listener({ circuit: name, error: reasonError(reason), isolated: false }),
      ),
    onReset: (listener) => policy.onReset(listener),
    onHalfOpen: (listener) => policy.onHalfOpen(listener),
    isolate: () => policy.isolate(),
  };
}
