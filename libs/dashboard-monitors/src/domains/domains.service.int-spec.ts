import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@homelab/contracts';
import { createTestCa, issueCertificate, startDnsFake, waitFor, type DnsFake, type TestCa } from '@homelab/testing';
import { migratedDatabase, silentLogger } from '../testing/monitors.test-helpers.js';
import { DomainMonitoring, type DomainMonitoringOptions } from './domain-monitoring.js';
import { inDays, pages, RecordingAlertSink, startHttpsSite, type LocalSite } from './domains.test-helpers.js';

// Real: PostgreSQL (migrated dashboard schema), node's DNS resolver, TLS and HTTPS against
// servers on 127.0.0.1. Faked: the DNS server; the AlertSink records what it is told.
type Db = Awaited<ReturnType<typeof migratedDatabase>>;

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('DomainsService with the database', () => {
  let db: Db;
  let dns: DnsFake;
  let ca: TestCa;
  let good: LocalSite;
  let soon: Awaited<ReturnType<typeof startHttpsSite>>;
  const alerts = new RecordingAlertSink();
  let domains: DomainMonitoring;
  const running: DomainMonitoring[] = [];

  const monitoring = (over: Partial<DomainMonitoringOptions> = {}): DomainMonitoring => {
    const m = new DomainMonitoring({
      pool: db.pool,
      alerts,
      logger: silentLogger(),
      instanceId: 'replica-a',
      dnsServers: [dns.server],
      timeoutMs: 1500,
      checkIntervalMs: 600_000,
      defaults: { warnDays: 21, criticalDays: 7 },
      linkScanIntervalMs: 86_400_000,
      linkScanMaxPages: 20,
      extraCa: [ca.cert],
      ...over,
    });
    running.push(m);
    return m;
  };

  beforeAll(async () => {
    db = await migratedDatabase('domains-service');
    dns = await startDnsFake({ 'good.test': { A: ['127.0.0.1'] }, 'soon.test': { A: ['127.0.0.1'] } });
    ca = await createTestCa();
    const site = pages({ '/': [200, 'text/html', '<p>ok</p>'] });
    good = await startHttpsSite(await issueCertificate(ca, { commonName: 'good.test', notAfter: inDays(90) }), site);
    soon = await startHttpsSite(await issueCertificate(ca, { commonName: 'soon.test', notAfter: inDays(10) }), site);
    domains = monitoring();
  });
  afterAll(async () => {
    await Promise.all(running.map((m) => m.stop()));
    await good?.close();
    await soon?.close();
    await dns?.close();
    await db?.close();
  });

  it('adds a domain, checks it at once and serves the result from the database', async () => {
    const created = await domains.service.create({ name: 'GOOD.test', port: good.port }, 'admin');
    expect(created).toMatchObject({ name: 'good.test', port: good.port, path: '/', warnDays: 21, criticalDays: 7, linkScan: false, status: 'up', lastScan: null });
    expect(created.tls).toMatchObject({ authorized: true, daysLeft: 90 });
    expect(created.checkedAt).not.toBeNull();
    // another replica (a second instance on the same database) answers the same
    const list = await monitoring({ instanceId: 'replica-b' }).service.list();
    expect(list).toEqual([created]);
    const rows = await db.pool.query('select target_kind, target, ok, status, detail from monitor_result');
    expect(rows.rows).toEqual([expect.objectContaining({ target_kind: 'domain', target: created.id, ok: true, status: 'up' })]);
    expect(rows.rows[0].detail).toMatchObject({ dns: { ok: true }, http: { status: 200 }, tls: { daysLeft: 90 } });
  });

  it('refuses duplicates (also in another letter case) and invalid input, naming the field', async () => {
    expect(await errorOf(domains.service.create({ name: 'good.TEST.', port: good.port }, null))).toMatchObject({ code: 'DOMAIN_EXISTS', kind: 'conflict' });
    const invalid = await errorOf(domains.service.create({ name: 'good.test', port: 70000 }, null));
    expect(invalid).toMatchObject({ code: 'DOMAIN_INVALID', kind: 'invalid', details: { field: 'port' } });
    expect(await errorOf(domains.service.create({ name: 'x.test', criticalDays: 30 }, null))).toMatchObject({ details: { field: 'criticalDays' } });
    expect((await domains.service.list()).length).toBe(1);
  });

  it('raises a TLS warning, turns it critical with a per-domain threshold, and resolves it', async () => {
    const created = await domains.service.create({ name: 'soon.test', port: soon.port }, 'admin');
    const key = `tls:soon.test:${soon.port}`;
    expect(created).toMatchObject({ status: 'degraded', tls: { daysLeft: 10 } });
    expect(alerts.open.get(key)).toMatchObject({ severity: 'warning', source: 'tls', title: `Certificate of soon.test:${soon.port} expires in 10 days` });

    await domains.service.update(created.id, { criticalDays: 12 });
    expect(alerts.severityOf(key)).toBe('critical');

    const relaxed = await domains.service.update(created.id, { warnDays: 5, criticalDays: 2 });
    expect(relaxed).toMatchObject({ status: 'up', warnDays: 5, criticalDays: 2 });
    expect(alerts.open.has(key)).toBe(false);

    // back to the defaults, then the site renews its certificate
    await domains.service.update(created.id, { warnDays: null, criticalDays: null });
    expect(alerts.severityOf(key)).toBe('warning');
    soon.server.setSecureContext(await issueCertificate(ca, { commonName: 'soon.test', notAfter: inDays(80) }));
    expect(await domains.service.checkNow(created.id)).toMatchObject({ status: 'up', tls: { daysLeft: 80 } });
    expect(alerts.open.has(key)).toBe(false);
  });

  it('a domain that does not resolve is down with a clear message; the sweep still checks the others', async () => {
    const lost = await domains.service.create({ name: 'lost.test' }, 'admin');
    expect(lost).toMatchObject({ status: 'down', dns: { ok: false, error: 'lost.test does not resolve: no such domain (NXDOMAIN)' }, http: null, tls: null });
    expect(alerts.open.get('domain:lost.test:443')).toMatchObject({ severity: 'critical', title: 'lost.test does not resolve' });

    const before = await db.pool.query<{ n: number }>(`select count(*)::int as n from monitor_result where target_kind = 'domain'`);
    const sweep = await domains.monitor.checkDue(0);
    expect(sweep).toEqual({ checked: 3, failed: 0 });
    const after = await db.pool.query<{ n: number }>(`select count(*)::int as n from monitor_result where target_kind = 'domain'`);
    expect((after.rows[0]?.n ?? 0) - (before.rows[0]?.n ?? 0)).toBe(3);
    expect((await domains.service.list()).map((d) => [d.name, d.status])).toEqual([
      ['good.test', 'up'],
      ['lost.test', 'down'],
      ['soon.test', 'up'],
    ]);

    dns.set('lost.test', { A: ['127.0.0.1'] });
    await domains.service.update(lost.id, { port: good.port });
    expect(alerts.open.has('domain:lost.test:443')).toBe(false); // the old name:port key is cleared on the move
  });

  it('keeps checking and recording when the alert sink fails', async () => {
    const [first] = await domains.service.list();
    alerts.failing = true;
    try {
      const status = await domains.service.checkNow(first?.id ?? '');
      expect(status.status).toBe('up');
    } finally {
      alerts.failing = false;
    }
  });

  it('deletes a domain with its history and its alerts; unknown ids are 404', async () => {
    const lost = (await domains.service.list()).find((d) => d.name === 'lost.test');
    dns.remove('lost.test');
    await domains.service.checkNow(lost?.id ?? '');
    expect(alerts.open.has(`domain:lost.test:${good.port}`)).toBe(true);
    await domains.service.remove(lost?.id ?? '');
    expect(alerts.open.has(`domain:lost.test:${good.port}`)).toBe(false);
    const rows = await db.pool.query('select 1 from monitor_result where target = $1', [lost?.id]);
    expect(rows.rowCount).toBe(0);
    expect(await errorOf(domains.service.status(lost?.id ?? ''))).toMatchObject({ code: 'DOMAIN_NOT_FOUND', kind: 'not_found' });
    expect(await errorOf(domains.service.remove('not-a-uuid'))).toMatchObject({ code: 'DOMAIN_NOT_FOUND' });
  });

  it('periodic checks run on one replica at a time and move to another when it stops', async () => {
    const sinkA = new RecordingAlertSink();
    const sinkB = new RecordingAlertSink();
    const a = monitoring({ instanceId: 'sweeper-a', alerts: sinkA, checkIntervalMs: 200 });
    const b = monitoring({ instanceId: 'sweeper-b', alerts: sinkB, checkIntervalMs: 200 });
    a.start();
    b.start();
    await waitFor(() => (sinkA.calls.length + sinkB.calls.length >= 6 ? true : undefined), { message: 'periodic checks ran', timeoutMs: 10_000 });
    const [leader, follower, leaderSink, followerSink] = sinkA.calls.length > 0 ? [a, b, sinkA, sinkB] : [b, a, sinkB, sinkA];
    expect(followerSink.calls).toEqual([]);
    await leader.stop();
    const handedOver = leaderSink.calls.length;
    await waitFor(() => (followerSink.calls.length >= 2 ? true : undefined), { message: 'the other replica took over', timeoutMs: 10_000 });
    expect(leaderSink.calls.length).toBe(handedOver);
    await follower.stop();
  });
});
