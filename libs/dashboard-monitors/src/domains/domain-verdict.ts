import type { DnsCheck, DomainHealth, ExpiryThresholds, HttpCheck, TlsCheck } from './domain.types.js';

/**
 * up: answers 2xx/3xx with a valid certificate outside the warning window.
 * degraded: reachable, but the certificate expires within warnDays or the page answers 4xx.
 * down: DNS or connection failure, an invalid or expired certificate, a 5xx or no HTTP answer.
 */
export function domainHealth(parts: { dns: DnsCheck; http: HttpCheck | null; tls: TlsCheck | null }, thresholds: ExpiryThresholds): DomainHealth {
  const { dns, http, tls } = parts;
  if (!dns.ok || !http || !tls || !tls.authorized) return 'down';
  if (http.status === null || http.status >= 500) return 'down';
  if (http.status >= 400) return 'degraded';
  if (tls.daysLeft !== null && tls.daysLeft <= thresholds.warnDays) return 'degraded';
  return 'up';
}

/** An HTTP answer counts as fine when it is a success or a redirect (the site decides where its root leads). */
export const httpStatusOk = (status: number): boolean => status >= 200 && status < 400;
