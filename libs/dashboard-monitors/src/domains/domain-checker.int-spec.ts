import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate, selfSignedCertificate, startDnsFake, type DnsFake, type TestCa } from '@homelab/testing';
import { DomainChecker } from './domain-checker.js';
import { DomainResolver } from './domain-resolver.js';
import { inDays, pages, startHttpSite, startHttpsSite, type LocalSite } from './domains.test-helpers.js';

// Real: node's dns.Resolver over UDP, TLS handshakes and HTTPS requests to servers on 127.0.0.1
// with certificates made at test time. Faked: the DNS server (dns-packet over UDP).
const thresholds = { warnDays: 21, criticalDays: 7 };
const ok = pages({ '/': [200, 'text/html', '<h1>hello</h1>'], '/broken': [500, 'text/plain', 'boom'], '/gone': [404, 'text/plain', 'gone'] });

describe('DomainChecker', () => {
  let dns: DnsFake;
  let ca: TestCa;
  let checker: DomainChecker;
  const sites = new Map<string, LocalSite>();

  async function siteFor(name: string, cert: { cert: string; key: string }): Promise<number> {
    const site = await startHttpsSite(cert, ok);
    sites.set(name, site);
    dns.set(name, { A: ['127.0.0.1'] });
    return site.port;
  }

  beforeAll(async () => {
    dns = await startDnsFake();
    ca = await createTestCa();
    checker = new DomainChecker({ resolver: new DomainResolver({ servers: [dns.server], timeoutMs: 600 }), timeoutMs: 2000, extraCa: [ca.cert] });
  });
  afterAll(async () => {
    await Promise.all([...sites.values()].map((s) => s.close()));
    await dns?.close();
  });

  it('a valid certificate with 90 days left: up, with issuer, dates and response time', async () => {
    const port = await siteFor('good.test', await issueCertificate(ca, { commonName: 'good.test', notAfter: inDays(90) }));
    const check = await checker.check({ name: 'good.test', port, path: '/' }, thresholds);
    expect(check.status).toBe('up');
    expect(check.dns).toEqual({ ok: true, addresses: ['127.0.0.1'], error: null });
    expect(check.http).toMatchObject({ ok: true, status: 200, error: null });
    expect(check.http?.responseMs).toBeGreaterThanOrEqual(0);
    expect(check.tls).toMatchObject({ ok: true, authorized: true, daysLeft: 90, subject: 'CN=good.test', error: null });
    expect(check.tls?.issuer).toBe('CN=Homelab Test CA, O=Homelab Tests');
    expect(Date.parse(check.tls?.validTo ?? '')).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    // the check asked the configured DNS server, not the system's
    expect(dns.queries.some((q) => q.name === 'good.test' && q.type === 'A')).toBe(true);
  });

  it('expiring in 10 days: degraded (warning window); in 3 days: degraded too, critical for alerts', async () => {
    const port10 = await siteFor('soon.test', await issueCertificate(ca, { commonName: 'soon.test', notAfter: inDays(10) }));
    const soon = await checker.check({ name: 'soon.test', port: port10, path: '/' }, thresholds);
    expect(soon).toMatchObject({ status: 'degraded', tls: { authorized: true, ok: false, daysLeft: 10 } });
    const port3 = await siteFor('sooner.test', await issueCertificate(ca, { commonName: 'sooner.test', notAfter: inDays(3) }));
    expect(await checker.check({ name: 'sooner.test', port: port3, path: '/' }, thresholds)).toMatchObject({ status: 'degraded', tls: { daysLeft: 3 } });
  });

  it('per-domain thresholds decide the warning window', async () => {
    const port = sites.get('soon.test')?.port as number;
    expect((await checker.check({ name: 'soon.test', port, path: '/' }, { warnDays: 5, criticalDays: 2 })).status).toBe('up');
  });

  it('an expired certificate: down, with the date it expired, and no HTTP request', async () => {
    const port = await siteFor('expired.test', await issueCertificate(ca, { commonName: 'expired.test', notBefore: new Date(Date.now() - 40 * 86_400_000), notAfter: inDays(-2) }));
    const check = await checker.check({ name: 'expired.test', port, path: '/' }, thresholds);
    expect(check).toMatchObject({ status: 'down', tls: { authorized: false, ok: false, daysLeft: -2 } });
    expect(check.tls?.error).toMatch(/^certificate expired on \d{4}-\d\d-\d\d/);
    expect(check.http).toMatchObject({ ok: false, status: null, error: 'not requested: the TLS certificate is not valid' });
    expect(sites.get('expired.test')?.requests).toEqual([]);
  });

  it('a self-signed certificate: down, "not trusted"', async () => {
    const port = await siteFor('selfsigned.test', await selfSignedCertificate('selfsigned.test'));
    const check = await checker.check({ name: 'selfsigned.test', port, path: '/' }, thresholds);
    expect(check).toMatchObject({ status: 'down', tls: { authorized: false, subject: 'CN=selfsigned.test', error: 'certificate not trusted: it is self-signed' } });
  });

  it('a certificate from an unknown authority: not trusted, naming the issuer', async () => {
    const otherCa = await createTestCa('Stranger CA');
    const port = await siteFor('stranger.test', await issueCertificate(otherCa, { commonName: 'stranger.test' }));
    const check = await checker.check({ name: 'stranger.test', port, path: '/' }, thresholds);
    expect(check.status).toBe('down');
    expect(check.tls?.error).toMatch(/^certificate not trusted: issued by CN=Stranger CA/);
  });

  it('a certificate for another name: down, saying which names it covers', async () => {
    const port = await siteFor('mismatch.test', await issueCertificate(ca, { commonName: 'other.test', altNames: ['other.test', 'www.other.test'] }));
    const check = await checker.check({ name: 'mismatch.test', port, path: '/' }, thresholds);
    expect(check.status).toBe('down');
    expect(check.tls).toMatchObject({ authorized: false, daysLeft: 89 });
    expect(check.tls?.error).toBe('certificate does not match the name mismatch.test (it covers DNS:other.test, DNS:www.other.test)');
  });

  it('a name that does not resolve (NXDOMAIN): down, said in plain words', async () => {
    const check = await checker.check({ name: 'nowhere.test', port: 443, path: '/' }, thresholds);
    expect(check).toMatchObject({ status: 'down', dns: { ok: false, addresses: [], error: 'nowhere.test does not resolve: no such domain (NXDOMAIN)' }, http: null, tls: null });
  });

  it('a failing or silent DNS server is told apart from a missing name', async () => {
    dns.set('flaky.test', { A: ['127.0.0.1'] });
    dns.fail('flaky.test', 'servfail');
    expect((await checker.check({ name: 'flaky.test', port: 443, path: '/' }, thresholds)).dns.error).toMatch(/failed \(SERVFAIL\)/);
    dns.fail('flaky.test', 'timeout');
    expect((await checker.check({ name: 'flaky.test', port: 443, path: '/' }, thresholds)).dns.error).toMatch(/did not answer in time/);
  });

  it('a CNAME is followed to its addresses', async () => {
    dns.set('alias.test', { CNAME: 'good.test' });
    const port = sites.get('good.test')?.port as number;
    // the certificate is for good.test, so the alias is reachable but not valid for its own name
    const check = await checker.check({ name: 'alias.test', port, path: '/' }, thresholds);
    expect(check.dns.addresses).toEqual(['127.0.0.1']);
    expect(check.tls?.error).toMatch(/does not match the name alias.test/);
  });

  it('a 500 answer: down; a 404: degraded', async () => {
    const port = sites.get('good.test')?.port as number;
    expect(await checker.check({ name: 'good.test', port, path: '/broken' }, thresholds)).toMatchObject({ status: 'down', http: { ok: false, status: 500, error: 'answered HTTP 500' } });
    expect(await checker.check({ name: 'good.test', port, path: '/gone' }, thresholds)).toMatchObject({ status: 'degraded', http: { status: 404 } });
  });

  it('nothing listening: down, connection refused, no TLS part', async () => {
    const closed = await startHttpSite(ok);
    const port = closed.port;
    await closed.close();
    dns.set('closed.test', { A: ['127.0.0.1'] });
    const check = await checker.check({ name: 'closed.test', port, path: '/' }, thresholds);
    expect(check).toMatchObject({ status: 'down', tls: null, http: { ok: false, status: null, error: `could not connect to 127.0.0.1 port ${port}: connection refused` } });
  });

  it('a plain-HTTP port: the handshake failure is a TLS problem, not an outage', async () => {
    const plain = await startHttpSite(ok);
    sites.set('plain.test', plain);
    dns.set('plain.test', { A: ['127.0.0.1'] });
    const check = await checker.check({ name: 'plain.test', port: plain.port, path: '/' }, thresholds);
    expect(check.status).toBe('down');
    expect(check.tls?.error).toMatch(/^TLS handshake failed: /);
  });

  it('a server that accepts and never answers: down after the timeout', async () => {
    const silent = await startHttpsSite(await issueCertificate(ca, { commonName: 'slow.test' }), () => undefined);
    sites.set('slow.test', silent);
    dns.set('slow.test', { A: ['127.0.0.1'] });
    const fast = new DomainChecker({ resolver: new DomainResolver({ servers: [dns.server], timeoutMs: 600 }), timeoutMs: 300, extraCa: [ca.cert] });
    const started = Date.now();
    const check = await fast.check({ name: 'slow.test', port: silent.port, path: '/' }, thresholds);
    expect(check).toMatchObject({ status: 'down', tls: { authorized: true }, http: { ok: false, status: null, error: 'no answer within 300 ms' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('without the test CA, a certificate it issued is not trusted (verification is really on)', async () => {
    const strict = new DomainChecker({ resolver: new DomainResolver({ servers: [dns.server], timeoutMs: 600 }), timeoutMs: 2000 });
    const port = sites.get('good.test')?.port as number;
    const check = await strict.check({ name: 'good.test', port, path: '/' }, thresholds);
    expect(check.status).toBe('down');
    expect(check.tls?.error).toMatch(/^certificate not trusted/);
  });
});
