import { isIP } from 'node:net';
import tls from 'node:tls';
import type { ExpiryThresholds, TlsCheck } from './domain.types.js';
import { CONNECT_FAILURES, describeCertificateProblem, describeNetworkError, errorCode, RequestFailedError, timedOut } from './network-errors.js';

const DAY_MS = 86_400_000;

export interface TlsProbeOptions {
  address: string;
  /** The name the certificate must be valid for (also sent as SNI). */
  name: string;
  port: number;
  /** Trusted CAs; node's default context when undefined. */
  secureContext?: tls.SecureContext;
  timeoutMs: number;
  thresholds: ExpiryThresholds;
  now: Date;
}

const DN_ORDER = ['CN', 'O', 'OU', 'L', 'ST', 'C'];
const rankOf = (key: string): number => (DN_ORDER.includes(key) ? DN_ORDER.indexOf(key) : DN_ORDER.length);

/** `CN=R3, O=Let's Encrypt, C=US` from node's parsed name object, most telling parts first. */
function distinguishedName(name: tls.Certificate | undefined): string | null {
  if (!name) return null;
  const entries = Object.entries(name as unknown as Record<string, string | string[] | undefined>)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => rankOf(a) - rankOf(b));
  const text = entries.map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', ');
  return text === '' ? null : text;
}

const isoOrNull = (text: string | undefined): string | null => {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/** Turns what the handshake showed into the API's TLS part. */
export function describeCertificate(
  certificate: tls.PeerCertificate,
  verification: { authorized: boolean; code: string | null },
  context: { name: string; thresholds: ExpiryThresholds; now: Date },
): TlsCheck {
  const validFrom = isoOrNull(certificate.valid_from);
  const validTo = isoOrNull(certificate.valid_to);
  const daysLeft = validTo === null ? null : Math.floor((Date.parse(validTo) - context.now.getTime()) / DAY_MS);
  const issuer = distinguishedName(certificate.issuer);
  const authorized = verification.authorized && daysLeft !== null && daysLeft >= 0;
  const problem = verification.code ?? (daysLeft !== null && daysLeft < 0 ? 'CERT_HAS_EXPIRED' : null);
  return {
    ok: authorized && daysLeft !== null && daysLeft > context.thresholds.warnDays,
    authorized,
    issuer,
    subject: distinguishedName(certificate.subject),
    validFrom,
    validTo,
    daysLeft,
    error: authorized || problem === null ? null : describeCertificateProblem(problem, { issuer, name: context.name, altNames: certificate.subjectaltname ?? null, validFrom, validTo }),
  };
}

const handshakeFailure = (message: string): TlsCheck => ({
  ok: false,
  authorized: false,
  issuer: null,
  subject: null,
  validFrom: null,
  validTo: null,
  daysLeft: null,
  error: `TLS handshake failed: ${message}`,
});

/**
 * Opens a TLS connection, reads the certificate and how node's verification
 * judged it (chain against the trusted CAs, validity dates, host name), then closes it
 * without sending a byte. Verification is only *observed* here
 * (rejectUnauthorized: false on this one socket) so a bad certificate can be
 * described — issuer, dates, why it fails; the HTTP request that follows
 * verifies fully and is skipped when this says the certificate is not valid.
 *
 * Resolves with the TLS part (also for a failed handshake); rejects with a
 * RequestFailedError when no TCP connection could be made at all.
 */
export function probeTls(options: TlsProbeOptions): Promise<TlsCheck> {
  return new Promise<TlsCheck>((resolve, reject) => {
    let connected = false;
    const socket = tls.connect({
      host: options.address,
      port: options.port,
      ...(isIP(options.name) ? {} : { servername: options.name }),
      ...(options.secureContext ? { secureContext: options.secureContext } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => socket.destroy(timedOut(options.timeoutMs)), options.timeoutMs);
    const settle = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const verification = { authorized: socket.authorized, code: socket.authorizationError ? String(errorCode(socket.authorizationError) ?? socket.authorizationError) : null };
      settle();
      if (!certificate || Object.keys(certificate).length === 0) return resolve(handshakeFailure('the server sent no certificate'));
      resolve(describeCertificate(certificate, verification, options));
    });
    socket.once('error', (error: unknown) => {
      settle();
      const failure = error instanceof RequestFailedError ? error : describeNetworkError(error, options.timeoutMs);
      if (connected && !CONNECT_FAILURES.has(failure.code) && failure.code !== 'ETIMEDOUT') return resolve(handshakeFailure(failure.message));
      reject(failure);
    });
  });
}
