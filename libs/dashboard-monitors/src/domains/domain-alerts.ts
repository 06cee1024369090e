import type { AlertCondition, AlertSink } from '../alerts/alert-sink.js';
import type { DomainCheck, TlsCheck } from './domain.types.js';
import type { DomainTarget } from './domain-checker.js';

export const domainAlertKey = (name: string, port: number): string => `domain:${name}:${port}`;
export const tlsAlertKey = (name: string, port: number): string => `tls:${name}:${port}`;
export const linksAlertKey = (name: string): string => `links:${name}`;

/** What a check means for the alerts: conditions that hold and keys whose condition cleared. */
export interface AlertPlan {
  raise: AlertCondition[];
  resolve: string[];
}

const where = (target: DomainTarget): string => `${target.name}${target.port === 443 ? '' : `:${target.port}`}`;

function domainCondition(target: DomainTarget, check: DomainCheck): AlertCondition | null {
  const key = domainAlertKey(target.name, target.port);
  const base = { key, source: 'domain' as const, severity: 'critical' as const };
  if (!check.dns.ok) return { ...base, title: `${target.name} does not resolve`, message: check.dns.error ?? 'DNS lookup failed' };
  if (!check.tls) return { ...base, title: `${where(target)} is unreachable`, message: check.http?.error ?? 'no connection' };
  if (!check.tls.authorized || !check.http) return null; // reachable; the certificate has its own alert
  if (check.http.status === null) return { ...base, title: `${where(target)} does not answer`, message: `https://${where(target)}${target.path}: ${check.http.error ?? 'no answer'}` };
  if (check.http.status >= 500) return { ...base, title: `${where(target)} answers HTTP ${check.http.status}`, message: `https://${where(target)}${target.path} answered HTTP ${check.http.status}` };
  return null;
}

function expiryText(tls: TlsCheck): string {
  const day = tls.validTo ? tls.validTo.slice(0, 10) : 'an unknown date';
  const issuer = tls.issuer ? ` (issued by ${tls.issuer})` : '';
  return `The certificate${issuer} expires on ${day}; renew it before then.`;
}

function tlsCondition(target: DomainTarget, check: DomainCheck): AlertCondition | 'clear' | 'unknown' {
  const tls = check.tls;
  if (!tls) return 'unknown'; // no handshake: nothing new is known about the certificate
  const base = { key: tlsAlertKey(target.name, target.port), source: 'tls' as const };
  if (!tls.authorized) return { ...base, severity: 'critical', title: `Certificate of ${where(target)} is not valid`, message: tls.error ?? 'the certificate was rejected' };
  const days = tls.daysLeft;
  if (days === null) return 'clear';
  const left = days === 1 ? '1 day' : `${days} days`;
  if (days <= check.thresholds.criticalDays) return { ...base, severity: 'critical', title: `Certificate of ${where(target)} expires in ${left}`, message: expiryText(tls) };
  if (days <= check.thresholds.warnDays) return { ...base, severity: 'warning', title: `Certificate of ${where(target)} expires in ${left}`, message: expiryText(tls) };
  return 'clear';
}

/**
 * `domain:<name>:<port>` while it does not resolve, cannot be reached or
 * answers 5xx; `tls:<name>:<port>` warning within warnDays, critical within
 * criticalDays or when the certificate is expired or invalid. Each resolves
 * once its condition is gone.
 */
export function planDomainAlerts(target: DomainTarget, check: DomainCheck): AlertPlan {
  const plan: AlertPlan = { raise: [], resolve: [] };
  const domain = domainCondition(target, check);
  if (domain) plan.raise.push(domain);
  else plan.resolve.push(domainAlertKey(target.name, target.port));
  const tls = tlsCondition(target, check);
  if (tls === 'clear') plan.resolve.push(tlsAlertKey(target.name, target.port));
  else if (tls !== 'unknown') plan.raise.push(tls);
  return plan;
}

/** Applies every step even when one fails (the sink may be briefly unable to publish); reports the failures. */
export async function applyAlertPlan(sink: AlertSink, plan: AlertPlan): Promise<unknown[]> {
  const results = await Promise.allSettled([...plan.raise.map((c) => sink.raise(c)), ...plan.resolve.map((key) => sink.resolve(key))]);
  return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
}
