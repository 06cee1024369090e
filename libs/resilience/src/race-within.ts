/**
 * Races `work` against a time limit. When time runs out the promise rejects
 * with `timeoutError()`; a result that still arrives later is handed to
 * `discardLate` (e.g. to release a pooled connection nobody waits for).
 */
export function raceWithin<T>(work: Promise<T>, ms: number, timeoutError: () => Error, discardLate?: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        reject(timeoutError());
      },
      Math.max(0, ms),
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) discardLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}
