import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate, startDnsFake, waitFor, type DnsFake, type TestCa } from '@homelab/testing';
import { migratedDatabase, silentLogger } from '../testing/monitors.test-helpers.js';
import { DomainMonitoring } from '../domains/domain-monitoring.js';
import { RecordingAlertSink, startHttpsSite, type LocalSite } from '../domains/domains.test-helpers.js';
import type { LinkScanDetail } from '../domains/domain.types.js';

// Real: PostgreSQL, HTTPS on 127.0.0.1 with a test CA, node's DNS resolver. Faked: the DNS server.
type Db = Awaited<ReturnType<typeof migratedDatabase>>;

describe('LinkScanService with the database', () => {
  let db: Db;
  let dns: DnsFake;
  let ca: TestCa;
  let site: LocalSite;
  let broken = true;
  let slowMs = 0;
  const alerts = new RecordingAlertSink();
  let domains: DomainMonitoring;

  const finished = (id: string): Promise<LinkScanDetail> =>
    waitFor(
      async () => {
        const scan = await domains.service.latestScan(id);
        return scan && scan.status !== 'running' ? scan : undefined;
      },
      { message: 'scan finished', timeoutMs: 15_000 },
    );

  beforeAll(async () => {
    db = await migratedDatabase('link-scans');
    dns = await startDnsFake({ 'static.test': { A: ['127.0.0.1'] } });
    ca = await createTestCa();
    site = await startHttpsSite(await issueCertificate(ca, { commonName: 'static.test' }), (request, response) => {
      const path = request.url ?? '/';
      const send = (status: number, body: string): void => void response.writeHead(status, { 'content-type': 'text/html' }).end(body);
      if (path === '/') return send(200, `<a href="/a.html">a</a><a href="/b.html">b</a>${broken ? '<a href="/missing.html">m</a>' : ''}`);
      if (path === '/a.html') return send(200, '<a href="/">home</a>');
      if (path === '/b.html') return void setTimeout(() => send(200, '<p>slow</p>'), slowMs);
      send(404, 'not found');
    });
    domains = new DomainMonitoring({
      pool: db.pool,
      alerts,
      logger: silentLogger(),
      instanceId: 'scanner',
      dnsServers: [dns.server],
      timeoutMs: 5000,
      checkIntervalMs: 600_000,
      defaults: { warnDays: 21, criticalDays: 7 },
      linkScanIntervalMs: 86_400_000,
      linkScanMaxPages: 20,
      extraCa: [ca.cert],
    });
  });
  afterAll(async () => {
    await domains?.stop();
    await site?.close();
    await dns?.close();
    await db?.close();
  });

  it('runs a scan in the background with progress, stores broken links and raises links:<name>', async () => {
    const domain = await domains.service.create({ name: 'static.test', port: site.port }, 'admin');
    slowMs = 1500;
    const started = await domains.service.startScan(domain.id);
    expect(started).toMatchObject({ status: 'running', pages: 0, links: 0, brokenCount: 0, finishedAt: null, error: null });
    // a second request while it runs gets the same scan
    expect((await domains.service.startScan(domain.id)).id).toBe(started.id);
    // progress is visible from the database while the slow page keeps the scan running
    const midway = await waitFor(
      async () => {
        const scan = await domains.service.latestScan(domain.id);
        return scan?.status === 'running' && scan.pages >= 2 ? scan : undefined;
      },
      { message: 'progress recorded', timeoutMs: 5000 },
    );
    expect(midway.brokenCount).toBe(1);
    slowMs = 0;

    const scan = await finished(domain.id);
    expect(scan).toMatchObject({ id: started.id, status: 'done', pages: 3, links: 4, brokenCount: 1, error: null });
    expect(scan.broken).toEqual([{ url: `https://static.test:${site.port}/missing.html`, status: 404, error: 'HTTP 404', foundOn: `https://static.test:${site.port}/` }]);
    expect(alerts.open.get('links:static.test')).toMatchObject({ severity: 'warning', source: 'link-scan', title: '1 broken link on static.test' });
    expect((await domains.service.status(domain.id)).lastScan).toMatchObject({ id: started.id, status: 'done', brokenCount: 1 });
  });

  it('resolves the alert once a scan finds nothing broken', async () => {
    const [domain] = await domains.service.list();
    broken = false;
    await domains.service.startScan(domain?.id ?? '');
    expect(await finished(domain?.id ?? '')).toMatchObject({ status: 'done', brokenCount: 0, broken: [] });
    expect(alerts.open.has('links:static.test')).toBe(false);
  });

  it('a site that cannot be loaded makes a failed scan with the reason', async () => {
    const lost = await domains.service.create({ name: 'vanished.test' }, 'admin');
    await domains.service.startScan(lost.id);
    expect(await finished(lost.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^the start page https:\/\/vanished\.test\/ could not be loaded: vanished\.test does not resolve/) });
    await domains.service.remove(lost.id);
  });

  it('the periodic round scans domains with linkScan on that are due, and only those', async () => {
    const [domain] = await domains.service.list();
    await db.pool.query('delete from link_scan');
    await domains.scanRound();
    expect(await domains.service.latestScan(domain?.id ?? '')).toBeNull(); // linkScan is off
    await domains.service.update(domain?.id ?? '', { linkScan: true });
    await domains.scanRound();
    expect(await domains.service.latestScan(domain?.id ?? '')).toMatchObject({ status: 'done' });
    const count = async (): Promise<number> => (await db.pool.query('select 1 from link_scan')).rowCount ?? 0;
    await domains.scanRound();
    expect(await count()).toBe(1); // not due again within LINK_SCAN_INTERVAL_MS
  });

  it('stopping the dashboard fails its running scans with a reason; stale ones from dead replicas are failed too', async () => {
    const [domain] = await domains.service.list();
    slowMs = 10_000;
    await domains.service.startScan(domain?.id ?? '');
    await domains.scans.stop();
    expect(await domains.service.latestScan(domain?.id ?? '')).toMatchObject({ status: 'failed', error: 'scan stopped: the dashboard is shutting down' });
    slowMs = 0;

    await db.pool.query(`insert into link_scan (domain_id, status, started_at) values ($1, 'running', now() - interval '2 hours')`, [domain?.id]);
    await domains.scanRound();
    const rows = await db.pool.query<{ error: string }>(`select error from link_scan where started_at < now() - interval '1 hour'`);
    expect(rows.rows).toEqual([{ error: 'interrupted: the dashboard instance running it stopped' }]);
  });
});
