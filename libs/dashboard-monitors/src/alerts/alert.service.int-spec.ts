import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { EventStream } from '@homelab/platform';
import { startNatsServer, uniqueSubjectPrefix, waitFor, type NatsServerHandle } from '@homelab/testing';
import { deleteStreams, readStream } from '../testing/alert-events.test-helpers.js';
import { migratedDatabase, natsManager, silentLogger } from '../testing/monitors.test-helpers.js';
import { AlertNotFoundError } from './alert-errors.js';
import { alertStreamSpec } from './alert-stream.js';
import { AlertService } from './alert.service.js';
import type { AlertCondition } from './alert-sink.js';

// Real: PostgreSQL (the dashboard's migrations), NATS JetStream (the shared
// server, and a private one that is stopped to test the outbox).
const condition = (over: Partial<AlertCondition> = {}): AlertCondition => ({
  key: 'service:plex',
  source: 'service',
  severity: 'critical',
  title: 'Plex is down',
  message: 'connect ECONNREFUSED',
  ...over,
});

describe('AlertService', () => {
  const prefix = uniqueSubjectPrefix('alerts');
  const manager = natsManager('alerts-spec');
  const events = new EventStream(manager, prefix, alertStreamSpec);
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;
  const services: AlertService[] = [];
  const service = (over: Partial<ConstructorParameters<typeof AlertService>[0]> = {}): AlertService => {
    const created = new AlertService({ pool, events, logger: silentLogger(), natsUp: () => manager.status().up, relayIntervalMs: 100, ...over });
    services.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await migratedDatabase('alerts');
    pool = database.pool;
    await manager.connect();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await deleteStreams(manager, [events.streamName]);
    await manager.drain(1000);
    await database?.close();
  });

  const eventsFor = async (key: string) => (await readStream(manager, events.streamName)).filter((e) => e.alert.key === key);

  it('opens one alert per key, publishes opening, severity change and resolution once each', async () => {
    const alerts = service();
    const key = 'service:lifecycle';
    // the relay publishes each row's latest revision: flushing between the
    // transitions makes each one reach NATS before the next replaces it
    await alerts.raise(condition({ key, severity: 'warning' }));
    await alerts.raise(condition({ key, severity: 'warning' }));
    await alerts.raise(condition({ key, severity: 'warning', message: 'still refused' }));
    await alerts.flush();
    await alerts.raise(condition({ key, severity: 'critical' }));
    await alerts.flush();
    await alerts.resolve(key);
    await alerts.resolve(key);
    const published = await waitFor(async () => {
      const found = await eventsFor(key);
      return found.length >= 3 ? found : undefined;
    }, { message: 'three events' });
    await alerts.flush();
    const all = await eventsFor(key);
    expect(all.map((e) => [e.subject, e.alert.severity, e.alert.resolvedAt === null])).toEqual([
      [`${prefix}dashboard.alert.raised`, 'warning', true],
      [`${prefix}dashboard.alert.raised`, 'critical', true],
      [`${prefix}dashboard.alert.resolved`, 'critical', false],
    ]);
    const id = published[0]?.alert.id as string;
    expect(all.map((e) => e.messageId)).toEqual([`${id}:raised:1`, `${id}:raised:2`, `${id}:resolved`]);
    const stored = (await alerts.list('all')).filter((a) => a.key === key);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id, severity: 'critical', message: 'connect ECONNREFUSED', acknowledgedAt: null });
    expect(await alerts.list('open')).not.toContainEqual(expect.objectContaining({ key }));
    // a new occurrence is a new alert
    await alerts.raise(condition({ key }));
    const reopened = (await alerts.list('open')).find((a) => a.key === key);
    expect(reopened?.id).not.toBe(id);
    await alerts.resolve(key);
  });

  it('keeps one alert and one event per transition when two replicas race', async () => {
    const [a, b] = [service(), service()];
    const key = 'jetstream:race';
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).raise(condition({ key, source: 'jetstream', severity: 'warning' }))));
    const open = (await a.list('open')).filter((x) => x.key === key);
    expect(open).toHaveLength(1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).resolve(key)));
    await Promise.all([a.flush(), b.flush(), a.flush()]);
    const rows = await pool.query('select revision, published_revision from alert where key = $1', [key]);
    expect(rows.rows).toEqual([{ revision: 2, published_revision: 2 }]);
    const published = await waitFor(async () => {
      const found = await eventsFor(key);
      return found.length >= 2 ? found : undefined;
    }, { message: 'raised and resolved' });
    expect(published.map((e) => e.subject.split('.').pop())).toEqual(['raised', 'resolved']);
  });

  it('never loses an event while NATS is down: the relay publishes it once NATS is back', async () => {
    let server: NatsServerHandle | undefined = await startNatsServer({ jetstream: true });
    const privateManager = natsManager('alerts-outage', server.url);
    const privateEvents = new EventStream(privateManager, prefix, alertStreamSpec);
    try {
      await privateManager.connect();
      const alerts = service({ events: privateEvents, natsUp: () => privateManager.status().up, publishTimeoutMs: 500 });
      alerts.start();
      await server.stop();
      await waitFor(() => !privateManager.status().up, { message: 'NATS seen down' });
      await alerts.raise(condition({ key: 'service:outage' }));
      await alerts.resolve('service:outage');
      await alerts.raise(condition({ key: 'service:outage-open', severity: 'warning' }));
      await new Promise((r) => setTimeout(r, 300));
      const pending = await pool.query<{ key: string; published_revision: number }>(
        `select key, published_revision from alert where key like 'service:outage%' order by key`,
      );
      expect(pending.rows.map((r) => r.published_revision)).toEqual([0, 0]);
      await server.start();
      const published = await waitFor(
        async () => {
          const found = (await readStream(privateManager, privateEvents.streamName)).filter((e) => e.alert.key.startsWith('service:outage'));
          return found.length >= 3 ? found : undefined;
        },
        { message: 'events published after the outage', timeoutMs: 20_000 },
      );
      // the resolved one was never announced open: its opening comes first
      expect(published.map((e) => `${e.alert.key} ${e.subject.split('.').pop()}`).sort()).toEqual([
        'service:outage raised',
        'service:outage resolved',
        'service:outage-open raised',
      ]);
      await waitFor(async () => {
        const rows = await pool.query(`select 1 from alert where key like 'service:outage%' and published_revision < revision`);
        return rows.rowCount === 0;
      }, { message: 'outbox drained' });
      await alerts.stop();
      await deleteStreams(privateManager, [privateEvents.streamName]);
    } finally {
      await privateManager.drain(500);
      await server?.dispose();
      server = undefined;
    }
  }, 40_000);

  it('acknowledges, keeping the first acknowledgement, and says when there is no such alert', async () => {
    const alerts = service();
    await alerts.raise(condition({ key: 'service:ack' }));
    const alert = (await alerts.list('open')).find((a) => a.key === 'service:ack');
    const acknowledged = await alerts.acknowledge(alert?.id as string, 'alice');
    expect(acknowledged).toMatchObject({ key: 'service:ack', acknowledgedBy: 'alice' });
    expect(acknowledged.acknowledgedAt).not.toBeNull();
    expect((await alerts.acknowledge(alert?.id as string, 'bob')).acknowledgedBy).toBe('alice');
    await expect(alerts.acknowledge('00000000-0000-4000-8000-000000000000', 'bob')).rejects.toBeInstanceOf(AlertNotFoundError);
    await expect(alerts.acknowledge('not-a-uuid', 'bob')).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
    expect(await alerts.counts()).toMatchObject({ open: expect.any(Number), critical: expect.any(Number) });
    expect(await alerts.openKeys('service:ac')).toEqual(['service:ack']);
  });

  it('clips text to what the event contract allows', async () => {
    const alerts = service();
    await alerts.raise(condition({ key: 'service:long', title: 'x'.repeat(500), message: 'y'.repeat(5000) }));
    const alert = (await alerts.list('open')).find((a) => a.key === 'service:long');
    expect(alert?.title).toHaveLength(200);
    expect(alert?.message).toHaveLength(2000);
    const published = await waitFor(async () => (await eventsFor('service:long'))[0], { message: 'clipped alert published' });
    expect(published.alert.title).toHaveLength(200);
  });
});
