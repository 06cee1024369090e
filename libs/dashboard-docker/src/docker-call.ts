import { timeoutPolicy } from '@homelab/resilience';

/**
 * Runs one Docker call with a deadline: the signal handed to `fn` (pass it
 * to dockerode as `abortSignal`) aborts when time is up, and the caller gets
 * OperationTimeoutError at once even if the call ignores the signal.
 */
export function withDeadline<T>(operation: string, ms: number, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return timeoutPolicy(ms, { strategy: 'aggressive', name: operation }).execute(fn, signal);
}
