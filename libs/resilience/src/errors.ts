/** Thrown instead of calling the operation while its circuit breaker is open. */
export class CircuitOpenError extends Error {
  constructor(
    readonly circuit: string,
    options?: ErrorOptions,
  ) {
    super(`Circuit "${circuit}" is open — failing fast until it half-opens`, options);
    this.name = 'CircuitOpenError';
  }
}

/** An attempt of the operation did not finish within its time limit. */
export class OperationTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`"${operation}" timed out after ${timeoutMs} ms`, options);
    this.name = 'OperationTimeoutError';
  }
}

/** The caller's AbortSignal stopped the operation (its reason is the `cause`). */
export class OperationAbortedError extends Error {
  constructor(
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(`"${operation}" was aborted`, options);
    this.name = 'OperationAbortedError';
  }
}
