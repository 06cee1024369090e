import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainStatus, LinkScan, LinkScanDetail } from '@homelab/dashboard-monitors';
import { selfSignedCertificate, startDnsFake, waitFor, type DnsFake } from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard (HTTP, auth, PostgreSQL, NATS, the alert service), node's resolver and TLS.
// Faked: the DNS server. The site's certificate is self-signed: the app trusts only the system's CAs.
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe('domains API', () => {
  let dash: DashboardHarness;
  let dns: DnsFake;
  let site: Server;
  let port: number;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    dns = await startDnsFake({ 'site.homelab.test': { A: ['127.0.0.1'] } });
    site = createServer(await selfSignedCertificate('site.homelab.test'), (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<a href="/x">x</a>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    port = (site.address() as AddressInfo).port;
    dash = await startDashboard({ env: { DNS_SERVERS: dns.server, MONITOR_TIMEOUT_MS: '3000' } });
    admin = await dash.as('admin');
    viewer = await dash.as('viewer');
  });
  afterAll(async () => {
    await dash?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await dns?.close();
  });

  it('adds a domain → 201 with its checked status; viewers list it; the alert shows in /api/alerts', async () => {
    const created = await admin.post('/api/domains', { name: 'Site.Homelab.test', port, warnDays: 30 });
    expect(created.status).toBe(201);
    const domain = created.json<DomainStatus>();
    expect(domain).toMatchObject({ name: 'site.homelab.test', port, path: '/', warnDays: 30, criticalDays: 7, linkScan: false, status: 'down', lastScan: null });
    expect(domain.dns).toEqual({ ok: true, addresses: ['127.0.0.1'], error: null });
    expect(domain.tls).toMatchObject({ authorized: false, subject: 'CN=site.homelab.test', error: 'certificate not trusted: it is self-signed' });
    expect(dns.queries.map((q) => q.name)).toContain('site.homelab.test');

    const list = await viewer.get('/api/domains');
    expect(list.status).toBe(200);
    expect(list.json<{ domains: DomainStatus[] }>().domains).toEqual([domain]);

    const alerts = (await viewer.get('/api/alerts?state=open')).json<{ alerts: { key: string; severity: string; source: string }[] }>().alerts;
    expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ key: `tls:site.homelab.test:${port}`, severity: 'critical', source: 'tls' })]));
  });

  it('a name that does not resolve is added and shown with a clear message', async () => {
    const created = await admin.post('/api/domains', { name: 'missing.homelab.test' });
    expect(created.status).toBe(201);
    expect(created.json<DomainStatus>()).toMatchObject({ status: 'down', dns: { ok: false, error: 'missing.homelab.test does not resolve: no such domain (NXDOMAIN)' }, http: null, tls: null });
    const overview = (await viewer.get('/api/overview')).json<{ domains: { ok: number; total: number } | null }>();
    expect(overview.domains).toEqual({ ok: 0, total: 2 });
  });

  it('bad input → 400 DOMAIN_INVALID naming the field; a duplicate → 409; roles enforced', async () => {
    const bad = await admin.post('/api/domains', { name: 'ok.homelab.test', port: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json<ErrorBody>().error).toMatchObject({ code: 'DOMAIN_INVALID', details: { field: 'port' } });
    const badName = await admin.post('/api/domains', { name: 'https://x.test/' });
    expect(badName.json<ErrorBody>().error).toMatchObject({ code: 'DOMAIN_INVALID', details: { field: 'name' } });
    const duplicate = await admin.post('/api/domains', { name: 'missing.homelab.test.' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json<ErrorBody>().error.code).toBe('DOMAIN_EXISTS');
    expect((await viewer.post('/api/domains', { name: 'v.homelab.test' })).status).toBe(403);
    expect((await (await dash.as('anonymous')).get('/api/domains')).status).toBe(401);
  });

  it('edits, checks on demand and deletes', async () => {
    const [domain] = (await viewer.get('/api/domains')).json<{ domains: DomainStatus[] }>().domains.filter((d) => d.name === 'missing.homelab.test');
    const id = domain?.id ?? '';
    const patched = await admin.patch(`/api/domains/${id}`, { linkScan: true, criticalDays: 3 });
    expect(patched.status).toBe(200);
    expect(patched.json<DomainStatus>()).toMatchObject({ linkScan: true, criticalDays: 3, warnDays: 21 });
    dns.set('missing.homelab.test', { A: ['127.0.0.1'] });
    const checked = await admin.post(`/api/domains/${id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.json<DomainStatus>().dns).toMatchObject({ ok: true });
    expect((await admin.delete(`/api/domains/${id}`)).status).toBe(204);
    const gone = await admin.post(`/api/domains/${id}/check`);
    expect(gone.status).toBe(404);
    expect(gone.json<ErrorBody>().error.code).toBe('DOMAIN_NOT_FOUND');
  });

  it('scan → 202 running, then the result (here: the untrusted site cannot be crawled, said plainly)', async () => {
    const [domain] = (await viewer.get('/api/domains')).json<{ domains: DomainStatus[] }>().domains;
    const started = await admin.post(`/api/domains/${domain?.id}/scan`);
    expect(started.status).toBe(202);
    const { scan } = started.json<{ scan: LinkScan }>();
    expect(scan).toMatchObject({ status: 'running', pages: 0, brokenCount: 0 });
    const latest = await waitFor(
      async () => {
        const body = (await viewer.get(`/api/domains/${domain?.id}/scans/latest`)).json<{ scan: LinkScanDetail | null }>();
        return body.scan?.status === 'running' ? undefined : body.scan;
      },
      { message: 'scan finished', timeoutMs: 15_000 },
    );
    expect(latest).toMatchObject({ id: scan.id, status: 'failed', broken: [] });
    expect(latest?.error).toMatch(/could not be loaded: TLS failed: certificate not trusted: it is self-signed/);
    expect((await viewer.get('/api/domains')).json<{ domains: DomainStatus[] }>().domains[0]?.lastScan).toMatchObject({ id: scan.id, status: 'failed' });
  });
});
