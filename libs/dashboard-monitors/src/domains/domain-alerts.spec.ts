import { describe, expect, it } from 'vitest';
import { planDomainAlerts } from './domain-alerts.js';
import type { DomainCheck, TlsCheck } from './domain.types.js';
import { domainHealth } from './domain-verdict.js';

const target = { name: 'site.test', port: 443, path: '/' };
const thresholds = { warnDays: 21, criticalDays: 7 };
const tls = (over: Partial<TlsCheck> = {}): TlsCheck => ({
  ok: true,
  authorized: true,
  issuer: 'CN=Test CA',
  subject: 'CN=site.test',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2026-04-01T00:00:00.000Z',
  daysLeft: 90,
  error: null,
  ...over,
});
const dnsOk = { ok: true, addresses: ['127.0.0.1'], error: null };
const httpOk = { ok: true, status: 200, responseMs: 5, error: null };

function check(parts: Partial<Pick<DomainCheck, 'dns' | 'http' | 'tls'>>): DomainCheck {
  const full = { dns: dnsOk, http: httpOk, tls: tls(), ...parts };
  return { checkedAt: '2026-01-02T00:00:00.000Z', status: domainHealth(full, thresholds), thresholds, ...full };
}

describe('domainHealth and planDomainAlerts', () => {
  it('healthy: up, both alerts resolved', () => {
    const c = check({});
    expect(c.status).toBe('up');
    expect(planDomainAlerts(target, c)).toEqual({ raise: [], resolve: ['domain:site.test:443', 'tls:site.test:443'] });
  });

  it('DNS failure: down, a critical domain alert, the certificate alert left as it is', () => {
    const c = check({ dns: { ok: false, addresses: [], error: 'site.test does not resolve: no such domain (NXDOMAIN)' }, http: null, tls: null });
    expect(c.status).toBe('down');
    const plan = planDomainAlerts(target, c);
    expect(plan.raise).toEqual([expect.objectContaining({ key: 'domain:site.test:443', severity: 'critical', source: 'domain', title: 'site.test does not resolve' })]);
    expect(plan.resolve).toEqual([]);
  });

  it('connection refused: down, unreachable', () => {
    const c = check({ http: { ok: false, status: null, responseMs: null, error: 'could not connect to 127.0.0.1 port 443: connection refused' }, tls: null });
    expect(c.status).toBe('down');
    expect(planDomainAlerts(target, c).raise[0]).toMatchObject({ key: 'domain:site.test:443', title: 'site.test is unreachable' });
  });

  it('5xx: down with a domain alert; 4xx: degraded without one', () => {
    const fiveHundred = check({ http: { ok: false, status: 503, responseMs: 3, error: 'answered HTTP 503' } });
    expect(fiveHundred.status).toBe('down');
    expect(planDomainAlerts(target, fiveHundred).raise[0]).toMatchObject({ title: 'site.test answers HTTP 503' });
    const notFound = check({ http: { ok: false, status: 404, responseMs: 3, error: 'answered HTTP 404' } });
    expect(notFound.status).toBe('degraded');
    expect(planDomainAlerts(target, notFound).resolve).toContain('domain:site.test:443');
  });

  it('certificate within warnDays: degraded, warning; within criticalDays: critical', () => {
    const warn = check({ tls: tls({ daysLeft: 10, ok: false }) });
    expect(warn.status).toBe('degraded');
    expect(planDomainAlerts(target, warn).raise).toEqual([expect.objectContaining({ key: 'tls:site.test:443', severity: 'warning', title: 'Certificate of site.test expires in 10 days' })]);
    const critical = check({ tls: tls({ daysLeft: 3, ok: false }) });
    expect(planDomainAlerts(target, critical).raise).toEqual([expect.objectContaining({ severity: 'critical', title: 'Certificate of site.test expires in 3 days' })]);
    expect(planDomainAlerts(target, check({ tls: tls({ daysLeft: 1 }) })).raise[0]?.title).toBe('Certificate of site.test expires in 1 day');
  });

  it('invalid certificate: down, critical TLS alert, the domain itself reachable', () => {
    const c = check({ tls: tls({ authorized: false, ok: false, error: 'certificate not trusted: it is self-signed' }), http: { ok: false, status: null, responseMs: null, error: 'not requested' } });
    expect(c.status).toBe('down');
    const plan = planDomainAlerts({ ...target, port: 8443 }, c);
    expect(plan.raise).toEqual([expect.objectContaining({ key: 'tls:site.test:8443', severity: 'critical', title: 'Certificate of site.test:8443 is not valid', message: 'certificate not trusted: it is self-signed' })]);
    expect(plan.resolve).toEqual(['domain:site.test:8443']);
  });
});
