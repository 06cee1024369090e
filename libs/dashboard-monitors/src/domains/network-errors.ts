/**
 * Plain-words explanations of the errors a TLS connection or HTTP request
 * ends with, for the UI and the alerts (which are read by people, not code).
 */

const CONNECTION: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'the connection was closed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (is this an https port?)',
  EPROTO: 'TLS handshake failed',
  HPE_INVALID_CONSTANT: 'the server did not answer with valid HTTP',
  HPE_INVALID_STATUS: 'the server did not answer with valid HTTP',
};

/** Connection-level codes after which trying the next address of a name makes sense. */
export const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

/** A request that got no answer; `message` is for people. */
export class RequestFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RequestFailedError';
  }
}

export function describeNetworkError(error: unknown, timeoutMs: number): RequestFailedError {
  if (error instanceof RequestFailedError) return error;
  const code = errorCode(error) ?? 'EUNKNOWN';
  if (code === 'ETIMEDOUT') return timedOut(timeoutMs);
  if (code === 'ABORT_ERR') return new RequestFailedError('stopped', 'ABORT_ERR');
  const known = CONNECTION[code];
  if (known) return new RequestFailedError(known, code);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code)) {
    return new RequestFailedError(`TLS failed: ${describeCertificateProblem(code)}`, code);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new RequestFailedError(`${text} (${code})`, code);
}

export const timedOut = (timeoutMs: number): RequestFailedError => new RequestFailedError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT');

/** Why a certificate was not accepted, from OpenSSL's / node's verification code. */
export function describeCertificateProblem(code: string, context: { issuer?: string | null; name?: string; altNames?: string | null; validFrom?: string | null; validTo?: string | null } = {}): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'certificate not trusted: it is self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'certificate not trusted: its chain ends in a self-signed authority that is not trusted here';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `certificate not trusted: issued by ${context.issuer ?? 'an unknown authority'}, which is not a trusted authority (or the server omits the intermediate certificate)`;
    case 'CERT_HAS_EXPIRED':
      return `certificate expired${context.validTo ? ` on ${context.validTo}` : ''}`;
    case 'CERT_NOT_YET_VALID':
      return `certificate not valid yet${context.validFrom ? ` (valid from ${context.validFrom})` : ''}`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `certificate does not match the name${context.name ? ` ${context.name}` : ''}${context.altNames ? ` (it covers ${context.altNames})` : ''}`;
    case 'CERT_REVOKED':
      return 'certificate revoked';
    default:
      return `certificate rejected (${code})`;
  }
}
