import {
  GoogleRateLimitedError,
  GoogleReconnectRequiredError,
  GoogleTimeoutError,
  GoogleUnavailableError,
} from './google-errors.js';
import type { DomainError } from '@homelab/contracts';

/**
 * What went wrong talking to Google, reduced to what is safe to show and log. The client
 * libraries' errors carry the request (Authorization header, refresh token in the form body,
 * the token in the revoke URL), so they are never logged or rethrown as they are.
 */
export type GoogleFailure =
  | { kind: 'invalid_grant'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'http'; status: number; message: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; code: string };

interface TransportError {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: unknown };
}

const MAX_MESSAGE = 200;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

/** Google's own words: `error.message` of the JSON APIs, `error_description`/`error` of OAuth. */
function googleMessage(data: unknown): { oauthError: string | undefined; message: string | undefined } {
  if (typeof data !== 'object' || data === null) return { oauthError: undefined, message: undefined };
  const body = data as { error?: unknown; error_description?: unknown };
  if (typeof body.error === 'string') {
    return { oauthError: body.error, message: typeof body.error_description === 'string' ? body.error_description : body.error };
  }
  if (typeof body.error === 'object' && body.error !== null) {
    const message = (body.error as { message?: unknown }).message;
    return { oauthError: undefined, message: typeof message === 'string' ? message : undefined };
  }
  return { oauthError: undefined, message: undefined };
}

function isAbort(error: TransportError): boolean {
  const cause = error.cause as TransportError | undefined;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || cause?.name === 'AbortError' || cause?.name === 'TimeoutError' || error.code === 'ETIMEDOUT';
}

function retryAfter(headers: unknown): number {
  const value = headers instanceof Headers ? headers.get('retry-after') : undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : 30;
}

/** Classifies an error thrown by google-auth-library or an @googleapis client; undefined for anything else. */
export function classifyGoogleError(error: unknown): GoogleFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const transport = error as TransportError;
  const status = transport.response?.status;
  if (typeof status === 'number') {
    const { oauthError, message } = googleMessage(transport.response?.data);
    const text = clip(message ?? `HTTP ${status}`);
    if (oauthError === 'invalid_grant') return { kind: 'invalid_grant', message: text };
    if (status === 401) return { kind: 'unauthorized', message: text };
    if (status === 429) return { kind: 'rate_limited', retryAfterSeconds: retryAfter(transport.response?.headers) };
    return { kind: 'http', status, message: text };
  }
  if (isAbort(transport)) return { kind: 'timeout' };
  const code = typeof transport.code === 'string' ? transport.code : (transport.cause as TransportError | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return { kind: 'unreachable', code };
  // gaxios wraps fetch failures in errors without a response: still a transport problem
  if ('config' in transport) return { kind: 'unreachable', code: 'network error' };
  return undefined;
}

/** The DomainError a failed read answers with (invalid_grant is handled before: it marks the account). */
export function failureToDomainError(failure: GoogleFailure, timeoutMs: number): DomainError {
  switch (failure.kind) {
    case 'invalid_grant':
      return new GoogleReconnectRequiredError(`Google refused the refresh token (${failure.message})`);
    case 'unauthorized':
      return new GoogleUnavailableError(`Google refused the access token: ${failure.message}`, { status: 401 });
    case 'http':
      return new GoogleUnavailableError(`Google answered ${failure.status}: ${failure.message}`, { status: failure.status });
    case 'rate_limited':
      return new GoogleRateLimitedError(failure.retryAfterSeconds);
    case 'timeout':
      return new GoogleTimeoutError(timeoutMs);
    case 'unreachable':
      return new GoogleUnavailableError(`Google cannot be reached (${failure.code})`, { code: failure.code });
  }
}

/** A line safe for logs. */
export function describeFailure(failure: GoogleFailure): string {
  switch (failure.kind) {
    case 'invalid_grant':
    case 'unauthorized':
      return `${failure.kind}: ${failure.message}`;
    case 'http':
      return `HTTP ${failure.status}: ${failure.message}`;
    case 'rate_limited':
      return `rate limited (retry after ${failure.retryAfterSeconds} s)`;
    case 'timeout':
      return 'timed out';
    case 'unreachable':
      return `unreachable (${failure.code})`;
  }
}
