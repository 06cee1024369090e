/**
 * What kind of refusal a domain error is; the edge of each transport maps a
 * kind to its status (HTTP 404, 409, …) in one exhaustive switch.
 */
export enum DomainErrorKind {
  /** The input is wrong; the caller can fix it. */
  Invalid = 'invalid',
  NotFound = 'not_found',
  /** The request clashes with the current state (already exists, not confirmed, in use). */
  Conflict = 'conflict',
  /** A dependency (a Docker host, a DNS server, a site) could not be reached or failed. */
  Unavailable = 'unavailable',
  /** The dependency took too long. */
  Timeout = 'timeout',
  /** Authenticated, but not allowed. */
  Forbidden = 'forbidden',
  /** Not authenticated (or the session is gone). */
  Unauthenticated = 'unauthenticated',
  /** Too many attempts; `details.retryAfterSeconds` says when to come back. */
  RateLimited = 'rate_limited',
}

/**
 * Base of every error a feature library throws on purpose. `code` is a
 * stable, specific identifier (`CONTAINER_NOT_FOUND`) that UIs and tests
 * match on; `message` is a sentence for a human, never holding a secret.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  toBody(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}
