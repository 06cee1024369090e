import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSink, CatalogStatus, CatalogView, JetStreamReport, Overview, StoredAlert } from '@homelab/dashboard-monitors';
import { waitFor } from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { ALERT_SINK } from './monitors.tokens.js';

// The whole dashboard in-process (real PostgreSQL, NATS JetStream, login);
// the catalog's one service is a TCP server on 127.0.0.1.
describe('monitors API', () => {
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;
  let dir: string;
  let tcp: Server;
  let catalogFile: string;
  let goodCatalog: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'monitors-api-'));
    tcp = await new Promise<Server>((resolve) => {
      const server = createServer((s) => s.end());
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    catalogFile = join(dir, 'catalog.yaml');
    goodCatalog = `services:\n  - name: Game stream\n    check: { tcp: "127.0.0.1:${(tcp.address() as AddressInfo).port}" }\n`;
    await writeFile(catalogFile, `${goodCatalog}  - name: Broken\n    check: { tcp: no-port }\n`);
    dash = await startDashboard({
      env: { CATALOG_FILE: catalogFile, MONITOR_INTERVAL_MS: '3600000', JETSTREAM_ALERT_AFTER_MS: '1000' },
    });
    [admin, viewer] = await Promise.all([dash.as('admin'), dash.as('viewer')]);
  });

  afterAll(async () => {
    await dash?.close();
    await new Promise((r) => tcp?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the catalog with the malformed entry as a problem, and checks a service on demand', async () => {
    const catalog = (await viewer.get('/api/catalog')).json<CatalogView>();
    expect(catalog.file).toBe(catalogFile);
    expect(catalog.problems).toEqual([{ index: 1, name: 'Broken', line: 5, message: 'check.tcp: must be host:port, e.g. gamebox.lan:47989' }]);
    expect(catalog.entries.map((e) => [e.id, e.check.kind])).toEqual([['game-stream', 'tcp']]);
    expect((await viewer.post('/api/catalog/game-stream/check')).status).toBe(403);
    const checked = await admin.post('/api/catalog/game-stream/check');
    expect(checked.status).toBe(200);
    expect(checked.json<CatalogStatus>()).toMatchObject({ id: 'game-stream', status: 'up', uptime24h: 100, error: null });
    const history = await viewer.get('/api/catalog/game-stream/history?range=7d');
    expect(history.json()).toMatchObject({ id: 'game-stream', uptime: 100, results: [{ status: 'up' }] });
    expect((await viewer.get('/api/catalog/game-stream/history?range=1y')).json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    expect((await viewer.get('/api/catalog/nope/history')).status).toBe(404);
    expect((await (await dash.as('anonymous')).get('/api/catalog')).status).toBe(401);
  });

  it('edits the catalog source: invalid text is refused and nothing written, valid text replaces the file', async () => {
    expect((await viewer.get('/api/catalog/source')).status).toBe(403);
    const before = await readFile(catalogFile, 'utf8');
    expect((await admin.get('/api/catalog/source')).json()).toEqual({ file: catalogFile, yaml: before });
    const refused = await admin.put('/api/catalog/source', { yaml: `${goodCatalog}  - name: X\n    check: { http: ftp://x }\n` });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'CATALOG_INVALID', details: { problems: [{ index: 1, line: 5 }] } } });
    expect(await readFile(catalogFile, 'utf8')).toBe(before);
    expect((await admin.put('/api/catalog/source', { yml: 'x' })).json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    const saved = await admin.put('/api/catalog/source', { yaml: goodCatalog });
    expect(saved.status).toBe(200);
    expect(saved.json<CatalogView>()).toMatchObject({ problems: [], entries: [{ id: 'game-stream', status: 'up' }] });
    expect(await readFile(catalogFile, 'utf8')).toBe(goodCatalog);
  });

  it('lists alerts and lets an admin acknowledge one', async () => {
    const sink = dash.running.app.get<AlertSink>(ALERT_SINK);
    await sink.raise({ key: 'tls:example.com', source: 'tls', severity: 'warning', title: 'Certificate expires soon', message: 'in 10 days' });
    const open = (await viewer.get('/api/alerts')).json<{ alerts: StoredAlert[] }>().alerts;
    const alert = open.find((a) => a.key === 'tls:example.com');
    expect(alert).toMatchObject({ severity: 'warning', resolvedAt: null, acknowledgedAt: null });
    expect((await viewer.post(`/api/alerts/${alert?.id}/acknowledge`)).status).toBe(403);
    const acknowledged = await admin.post(`/api/alerts/${alert?.id}/acknowledge`);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.json<StoredAlert>()).toMatchObject({ id: alert?.id, acknowledgedBy: 'admin' });
    expect((await admin.post('/api/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).json()).toMatchObject({ error: { code: 'ALERT_NOT_FOUND' } });
    await sink.resolve('tls:example.com');
    expect((await viewer.get('/api/alerts')).json<{ alerts: StoredAlert[] }>().alerts.some((a) => a.key === 'tls:example.com')).toBe(false);
    expect((await viewer.get('/api/alerts?state=all')).json<{ alerts: StoredAlert[] }>().alerts.find((a) => a.key === 'tls:example.com')?.resolvedAt).not.toBeNull();
    expect((await viewer.get('/api/alerts?state=closed')).status).toBe(400);
  });

  it('reports JetStream work health, with the alerts stream among this install\'s streams', async () => {
    const report = await waitFor(async () => {
      const body = (await viewer.get('/api/jetstream')).json<JetStreamReport>();
      return body.streams.some((s) => s.name.endsWith('DASHBOARD_ALERTS')) ? body : undefined;
    }, { message: 'alerts stream listed' });
    expect(report.error).toBeNull();
    const prefix = dash.subjectPrefix.replace(/\./g, '_');
    expect(report.streams.every((s) => s.name.startsWith(prefix))).toBe(true);
  });

  it('sums everything up in the overview', async () => {
    const overview = await waitFor(async () => {
      const body = (await viewer.get('/api/overview')).json<Overview>();
      return body.services && body.services.up >= 1 ? body : undefined;
    }, { message: 'overview with the dashboard up' });
    expect(overview.services?.total).toBe(5);
    expect(overview.catalog).toEqual({ up: 1, total: 1 });
    expect(overview.alerts).toEqual({ open: 0, critical: 0 });
  });
});
