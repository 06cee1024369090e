import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** Asked for the current sample before the first one was taken. */
export class MetricsNotReadyError extends DomainError {
  constructor(host: string, retryAfterSeconds: number) {
    super(
      DomainErrorKind.Unavailable,
      'METRICS_NOT_READY',
      `No host metrics have been sampled on ${host} yet; the first arrives within seconds of start`,
      { host, retryAfterSeconds },
    );
  }
}

/** `?host=` names a machine no replica has recorded. */
export class MetricsHostUnknownError extends DomainError {
  constructor(host: string, knownHosts: readonly string[]) {
    super(DomainErrorKind.NotFound, 'METRICS_HOST_UNKNOWN', `No host metrics were recorded for host "${host}"`, {
      host,
      hosts: [...knownHosts],
    });
  }
}

/** A query string parameter is missing or wrong; `field` names it. */
export class MetricsQueryInvalidError extends DomainError {
  constructor(field: string, message: string, allowed?: readonly string[]) {
    super(DomainErrorKind.Invalid, 'METRICS_QUERY_INVALID', message, allowed ? { field, allowed: [...allowed] } : { field });
  }
}

/** The history table cannot be read (database unreachable or not migrated yet). */
export class MetricsStoreUnavailableError extends DomainError {
  constructor(options?: ErrorOptions) {
    super(
      DomainErrorKind.Unavailable,
      'METRICS_STORE_UNAVAILABLE',
      'Stored host metrics cannot be read right now (the database is unreachable); live samples still work',
      undefined,
      options,
    );
  }
}
