import type { CheckSpec } from '../catalog/catalog-entry.js';
import { errorMessage } from '../util/error-message.js';
import type { CheckOutcome } from './check-outcome.js';
import { containerCheck, type DockerRegistryLookup } from './container-check.js';
import { httpCheck } from './http-check.js';
import { tcpCheck } from './tcp-check.js';

export interface CheckDependencies {
  docker: DockerRegistryLookup;
  timeoutMs: number;
}

class CheckTimeoutError extends Error {}

/**
 * Runs one check within the time limit. Never throws: whatever goes wrong
 * is the outcome `down` with a reason, so one check cannot stop the others.
 */
export async function runCheck(check: CheckSpec, deps: CheckDependencies): Promise<CheckOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CheckTimeoutError()), deps.timeoutMs);
  try {
    const work =
      check.kind === 'http'
        ? httpCheck(check, controller.signal)
        : check.kind === 'tcp'
          ? tcpCheck(check, controller.signal)
          : containerCheck(check, deps.docker);
    // the container check cannot be aborted inside dockerode; the race bounds it all the same
    const aborted = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    return await Promise.race([work, aborted]);
  } catch (error) {
    if (error instanceof CheckTimeoutError || controller.signal.aborted) {
      return { status: 'down', responseMs: null, error: `no answer within ${deps.timeoutMs} ms` };
    }
    return { status: 'down', responseMs: null, error: `check failed: ${errorMessage(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
