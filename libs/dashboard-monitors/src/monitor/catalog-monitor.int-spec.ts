import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { JobLease } from '@homelab/database';
import { EventStream } from '@homelab/platform';
import { freePort, startDockerFake, uniqueSubjectPrefix, waitFor, type DockerFake } from '@homelab/testing';
import { alertStreamSpec } from '../alerts/alert-stream.js';
import { AlertService } from '../alerts/alert.service.js';
import { CatalogEntryNotFoundError } from '../catalog/catalog-errors.js';
import { CatalogFile } from '../catalog/catalog-file.js';
import { deleteStreams, readStream } from '../testing/alert-events.test-helpers.js';
import { fakeRegistry } from '../testing/docker-registry.test-helpers.js';
import { migratedDatabase, natsManager, silentLogger } from '../testing/monitors.test-helpers.js';
import { CatalogMonitor } from './catalog-monitor.service.js';
import { MonitorResultRepository } from './monitor-result.repository.js';

// Real: PostgreSQL, NATS JetStream (alert events), the catalog file, TCP
// servers on 127.0.0.1, dockerode against the Docker fake.
describe('CatalogMonitor', () => {
  const prefix = uniqueSubjectPrefix('catmon');
  const manager = natsManager('catalog-monitor-spec');
  const events = new EventStream(manager, prefix, alertStreamSpec);
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;
  let dir: string;
  let catalog: CatalogFile;
  let docker: DockerFake;
  let alive: Server;
  let flakyPort: number;
  let alerts: AlertService;
  let monitor: CatalogMonitor;

  const listenOn = (port: number): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer((s) => s.end());
      server.listen(port, '127.0.0.1', () => resolve(server));
    });

  const catalogText = (withFlaky = true) => `services:
  - name: Alive
    group: Infra
    check: { tcp: "127.0.0.1:${(alive.address() as AddressInfo).port}" }
${withFlaky ? `  - name: Flaky\n    check: { tcp: "127.0.0.1:${flakyPort}" }\n` : ''}  - name: n8n
    check: { container: n8n }
  - name: Broken
    check: { http: not a url }
`;

  beforeAll(async () => {
    database = await migratedDatabase('catalog_monitor');
    pool = database.pool;
    dir = await mkdtemp(join(tmpdir(), 'catmon-'));
    alive = await listenOn(0);
    flakyPort = await freePort();
    docker = await startDockerFake();
    docker.seedContainer({ name: 'n8n', image: 'n8nio/n8n:1', healthcheck: { Test: ['CMD', 'true'] }, health: 'healthy' });
    await writeFile(join(dir, 'catalog.yaml'), catalogText());
    catalog = new CatalogFile({ path: join(dir, 'catalog.yaml'), logger: silentLogger(), watch: false, pollIntervalMs: 60_000 });
    await catalog.start();
    alerts = new AlertService({ pool, events, logger: silentLogger(), relayIntervalMs: 100 });
    monitor = new CatalogMonitor({
      catalog,
      results: new MonitorResultRepository(pool, 'service'),
      alerts,
      lease: new JobLease(pool, 'replica-a', 30_000),
      docker: () => fakeRegistry(docker),
      logger: silentLogger(),
      intervalMs: 60_000,
      timeoutMs: 1000,
    });
  });

  afterAll(async () => {
    await monitor?.stop();
    await alerts?.stop();
    catalog?.stop();
    await new Promise((r) => alive?.close(r));
    await docker?.close();
    await deleteStreams(manager, [events.streamName]);
    await manager.drain(1000);
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const statusOf = async (id: string) => (await monitor.view()).entries.find((e) => e.id === id);
  const openAlert = async (key: string) => (await alerts.list('open')).find((a) => a.key === key);

  it('checks the valid entries and reports the malformed one with its line', async () => {
    expect(await monitor.sweep()).toBe(true);
    const view = await monitor.view();
    expect(view.problems).toEqual([{ index: 3, name: 'Broken', line: 10, message: expect.stringContaining('must be an http:// or https:// URL') }]);
    expect(view.entries.map((e) => [e.id, e.status, e.check.kind])).toEqual([
      ['alive', 'up', 'tcp'],
      ['flaky', 'down', 'tcp'],
      ['n8n', 'up', 'container'],
    ]);
    const alive = view.entries[0];
    expect(alive).toMatchObject({ group: 'Infra', uptime24h: 100, uptime7d: 100, error: null });
    expect(alive?.lastCheckedAt).not.toBeNull();
    expect(view.entries[1]?.error).toContain('ECONNREFUSED');
    expect(await monitor.counts()).toEqual({ up: 2, total: 3 });
  });

  it('opens an alert after two failures in a row, not after one, and closes it on recovery', async () => {
    expect(await openAlert('service:flaky')).toBeUndefined();
    await monitor.sweep();
    const alert = await openAlert('service:flaky');
    expect(alert).toMatchObject({ source: 'service', severity: 'critical', title: 'Flaky is down' });
    expect(await openAlert('service:alive')).toBeUndefined();
    const raised = await waitFor(async () => (await readStream(manager, events.streamName)).find((e) => e.alert.key === 'service:flaky'), {
      message: 'dashboard.alert.raised on JetStream',
    });
    expect(raised.subject).toBe(`${prefix}dashboard.alert.raised`);
    const server = await listenOn(flakyPort);
    try {
      const status = await monitor.checkNow('flaky');
      expect(status).toMatchObject({ id: 'flaky', status: 'up', uptime24h: 33.33 });
      expect(await openAlert('service:flaky')).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
    const history = await monitor.history('flaky', '24h');
    expect(history.id).toBe('flaky');
    expect(history.uptime).toBe(33.33);
    expect(history.averageResponseMs).not.toBeNull();
    expect(history.results.length).toBeGreaterThanOrEqual(1);
    expect(history.results.every((r) => ['up', 'down', 'degraded'].includes(r.status))).toBe(true);
    await expect(monitor.checkNow('nope')).rejects.toBeInstanceOf(CatalogEntryNotFoundError);
  });

  it('keeps checking the others when one check blows up', async () => {
    const throwing = new CatalogMonitor({
      catalog,
      results: new MonitorResultRepository(pool, 'service'),
      alerts,
      lease: new JobLease(pool, 'replica-a', 30_000),
      docker: () => {
        throw new Error('registry exploded');
      },
      logger: silentLogger(),
      intervalMs: 60_000,
      timeoutMs: 1000,
    });
    const before = (await statusOf('alive'))?.lastCheckedAt;
    await new Promise((r) => setTimeout(r, 5));
    expect(await throwing.sweep()).toBe(true);
    expect((await statusOf('n8n'))).toMatchObject({ status: 'down', error: 'check failed: registry exploded' });
    expect((await statusOf('alive'))?.lastCheckedAt).not.toBe(before);
    expect((await statusOf('alive'))?.status).toBe('up');
  });

  it('runs on one replica only', async () => {
    const other = new CatalogMonitor({
      catalog,
      results: new MonitorResultRepository(pool, 'service'),
      alerts,
      lease: new JobLease(pool, 'replica-b', 30_000),
      docker: () => fakeRegistry(docker),
      logger: silentLogger(),
      intervalMs: 60_000,
      timeoutMs: 1000,
    });
    expect(await other.sweep()).toBe(false);
  });

  it('closes the alert of a service removed from the catalog, and prunes old results', async () => {
    await monitor.sweep();
    await monitor.sweep();
    expect(await openAlert('service:flaky')).toBeDefined();
    await catalog.replace(catalogText(false).replace(/ {2}- name: Broken\n.*\n/, ''));
    await monitor.sweep();
    expect(await openAlert('service:flaky')).toBeUndefined();
    await pool.query(`insert into monitor_result (target_kind, target, checked_at, ok, status) values ('service', 'alive', now() - interval '40 days', true, 'up')`);
    await pool.query(`insert into monitor_result (target_kind, target, checked_at, ok, status) values ('domain', 'x', now() - interval '40 days', true, 'up')`);
    expect(await new MonitorResultRepository(pool, 'service').prune(30)).toBe(1);
    const left = await pool.query(`select target_kind from monitor_result where checked_at < now() - interval '30 days'`);
    expect(left.rows).toEqual([{ target_kind: 'domain' }]);
  });
});
