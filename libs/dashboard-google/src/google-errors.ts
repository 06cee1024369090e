import { DomainError, DomainErrorKind } from '@homelab/contracts';
import type { GoogleApiName } from './google-scopes.js';

/** 409: GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET are not set. */
export class GoogleNotConfiguredError extends DomainError {
  constructor() {
    super(
      DomainErrorKind.Conflict,
      'GOOGLE_NOT_CONFIGURED',
      'Google is not set up: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (an OAuth client of type "Web application") and restart the dashboard',
    );
  }
}

/** 409: no account is connected yet (or it was disconnected). */
export class GoogleNotConnectedError extends DomainError {
  constructor() {
    super(DomainErrorKind.Conflict, 'GOOGLE_NOT_CONNECTED', 'No Google account is connected: an admin connects one on the Google page');
  }
}

/** 409: Google refused the stored refresh token (revoked, expired) or it cannot be read any more. */
export class GoogleReconnectRequiredError extends DomainError {
  constructor(reason: string) {
    super(DomainErrorKind.Conflict, 'GOOGLE_RECONNECT_REQUIRED', `The Google account must be connected again: ${reason}`);
  }
}

/** 409: the user did not grant the scope this read needs on the consent page. */
export class GoogleScopeMissingError extends DomainError {
  constructor(api: GoogleApiName, scope: string) {
    super(
      DomainErrorKind.Conflict,
      'GOOGLE_SCOPE_MISSING',
      `Google did not grant access to ${api} (${scope}): connect again and allow it on the consent page`,
      { api, scope },
    );
  }
}

/** 503: tokens are only ever stored encrypted, so without keys nothing can be connected or read. */
export class GoogleEncryptionKeysMissingError extends DomainError {
  constructor() {
    super(
      DomainErrorKind.Unavailable,
      'ENCRYPTION_KEYS_MISSING',
      'Google tokens are stored encrypted: set DATA_ENCRYPTION_KEYS (kid:base64-32-byte-key) and restart the dashboard',
      { variable: 'DATA_ENCRYPTION_KEYS' },
    );
  }
}

/** 503: Google could not be reached or answered with an error. */
export class GoogleUnavailableError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Unavailable, 'GOOGLE_UNAVAILABLE', message, details);
  }
}

/** 504: Google did not answer in time. */
export class GoogleTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    super(DomainErrorKind.Timeout, 'GOOGLE_TIMEOUT', `Google did not answer within ${timeoutMs} ms`, { timeoutMs });
  }
}

/** 429: Google's quota for this client is exhausted for now. */
export class GoogleRateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(DomainErrorKind.RateLimited, 'GOOGLE_RATE_LIMITED', 'Google asks to slow down; try again shortly', { retryAfterSeconds });
  }
}

/** 400: a query parameter is out of range (the message names it). */
export class GoogleRequestInvalidError extends DomainError {
  constructor(message: string) {
    super(DomainErrorKind.Invalid, 'GOOGLE_REQUEST_INVALID', message);
  }
}

/**
 * Why connecting ended on `/google?error=<code>`:
 * `not_configured`, `encryption_keys_missing`, `access_denied` (the user declined, or Google
 * said another error), `state_invalid` (forged, expired or foreign callback — no matching
 * pending connection in this browser), `not_admin` (the starter is gone or no longer an
 * admin), `exchange_failed` (Google refused the code: replayed, expired, PKCE mismatch),
 * `no_refresh_token`, `google_unavailable`.
 */
export type GoogleConnectFailure =
  | 'not_configured'
  | 'encryption_keys_missing'
  | 'access_denied'
  | 'state_invalid'
  | 'not_admin'
  | 'exchange_failed'
  | 'no_refresh_token'
  | 'google_unavailable';

/** A connection attempt that failed; the controller turns `failure` into the redirect. Never carries a token. */
export class GoogleConnectError extends Error {
  override readonly name = 'GoogleConnectError';

  constructor(readonly failure: GoogleConnectFailure, message: string) {
    super(message);
  }
}
