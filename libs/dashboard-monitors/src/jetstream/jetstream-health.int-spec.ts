import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { JobLease } from '@homelab/database';
import { EventStream } from '@homelab/platform';
import { startNatsServer, uniqueSubjectPrefix, waitFor } from '@homelab/testing';
import { alertStreamSpec } from '../alerts/alert-stream.js';
import { AlertService } from '../alerts/alert.service.js';
import { deleteStreams, readStream } from '../testing/alert-events.test-helpers.js';
import { migratedDatabase, natsManager, silentLogger } from '../testing/monitors.test-helpers.js';
import { JetStreamHealth, type JetStreamHealthOptions } from './jetstream-health.service.js';
import type { JetStreamReport } from './jetstream-report.js';

// Real: NATS JetStream (a work stream with durable consumers, the server's
// advisories), PostgreSQL (alerts, lease).
const ALERT_AFTER_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JetStreamHealth', () => {
  const prefix = uniqueSubjectPrefix('jshealth');
  const streamPrefix = prefix.replace(/\./g, '_');
  const workStream = `${streamPrefix}WORK`;
  const manager = natsManager('jetstream-health-spec');
  const events = new EventStream(manager, prefix, alertStreamSpec);
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;
  let jsm: JetStreamManager;
  let alerts: AlertService;
  let health: JetStreamHealth;
  const options = (): JetStreamHealthOptions => ({
    nats: manager,
    subjectPrefix: prefix,
    alerts,
    lease: new JobLease(pool, 'replica-a', 30_000),
    logger: silentLogger(),
    pendingAlert: 3,
    alertAfterMs: ALERT_AFTER_MS,
    sampleIntervalMs: 60_000,
  });
  const consumer = (report: JetStreamReport, name: string) => report.streams.find((s) => s.name === workStream)?.consumers.find((c) => c.name === name);
  const openAlert = async (key: string) => (await alerts.list('open')).find((a) => a.key === key);
  const alertEvents = async (key: string) => (await readStream(manager, events.streamName)).filter((e) => e.alert.key === key);

  beforeAll(async () => {
    database = await migratedDatabase('jetstream_health');
    pool = database.pool;
    jsm = await jetstreamManager(await manager.connect());
    await jsm.streams.add({ name: workStream, subjects: [`${prefix}work.>`] });
    await jsm.consumers.add(workStream, { durable_name: 'worker', ack_policy: AckPolicy.Explicit, max_deliver: 5, ack_wait: 30_000_000_000 });
    await jsm.consumers.add(workStream, { durable_name: 'poison', ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: 30_000_000_000 });
    const js = jetstream(await manager.connect());
    for (let i = 0; i < 10; i++) await js.publish(`${prefix}work.job`, `job ${i}`);
    alerts = new AlertService({ pool, events, logger: silentLogger(), relayIntervalMs: 100 });
    health = new JetStreamHealth(options());
  });

  afterAll(async () => {
    await health?.stop();
    await alerts?.stop();
    await deleteStreams(manager, [workStream, events.streamName, health.deadLetterStreamName]);
    await manager.drain(1000);
    await database?.close();
  });

  it('lists the install\'s streams and each consumer\'s lag', async () => {
    await health.tick();
    const report = await health.report();
    expect(report.error).toBeNull();
    expect(report.streams.every((s) => s.name.startsWith(streamPrefix))).toBe(true);
    expect(report.streams.find((s) => s.name === workStream)).toMatchObject({ messages: 10 });
    expect(consumer(report, 'worker')).toEqual({
      name: 'worker',
      pending: 10,
      ackPending: 0,
      redelivered: 0,
      deadLetters: 0,
      waiting: 0,
      lastActiveAt: null,
      status: 'ok',
    });
  });

  it('raises an alert when work piles up, published as dashboard.alert.raised', async () => {
    const worker = await jetstream(await manager.connect()).consumers.get(workStream, 'worker');
    const first = await worker.next();
    first?.ack();
    await first?.ackAck();
    await sleep(ALERT_AFTER_MS + 50);
    await health.tick();
    const report = await health.report();
    expect(consumer(report, 'worker')).toMatchObject({ pending: 9, status: 'piling-up' });
    expect(consumer(report, 'worker')?.lastActiveAt).not.toBeNull();
    const key = `jetstream:${workStream}:worker`;
    expect(await openAlert(key)).toMatchObject({ source: 'jetstream', severity: 'warning', title: `Work is piling up for worker on ${workStream}` });
    const published = await waitFor(async () => (await alertEvents(key))[0], { message: 'raised event on the alerts stream' });
    expect(published.subject).toBe(`${prefix}dashboard.alert.raised`);
    expect(published.alert).toMatchObject({ key, severity: 'warning', resolvedAt: null });
  });

  it('counts dead letters from the advisories, and keeps them across a restart', async () => {
    const poison = await jetstream(await manager.connect()).consumers.get(workStream, 'poison');
    // nak everything (and terminate one): the server gives up on a message, and says so, when it
    // would deliver it past max_deliver; how many fetches that takes depends on delivery order
    const report = await waitFor(
      async () => {
        const batch = await poison.fetch({ max_messages: 3, expires: 1000 });
        for await (const message of batch) {
          if (message.seq === 3) message.term();
          else if (message.seq <= 2) message.nak();
          else message.ack();
        }
        const sampled = await health.sample();
        return (consumer(sampled, 'poison')?.deadLetters ?? 0) >= 3 ? sampled : undefined;
      },
      { message: 'dead letters counted', timeoutMs: 20_000 },
    );
    expect(consumer(report, 'poison')?.deadLetters).toBe(3);
    expect(consumer(report, 'poison')?.redelivered).toBeGreaterThanOrEqual(2);
    expect(consumer(report, 'worker')?.deadLetters).toBe(0);
    const restarted = new JetStreamHealth(options());
    expect(consumer(await restarted.report(), 'poison')?.deadLetters).toBe(3);
  });

  it('calls a consumer with no progress stalled, and resolves its alert once the work is done', async () => {
    await sleep(ALERT_AFTER_MS + 50);
    await health.tick();
    const key = `jetstream:${workStream}:worker`;
    expect(consumer(await health.report(), 'worker')?.status).toBe('stalled');
    expect(await openAlert(key)).toMatchObject({ severity: 'critical' });
    const worker = await jetstream(await manager.connect()).consumers.get(workStream, 'worker');
    const batch = await worker.fetch({ max_messages: 20, expires: 1000 });
    for await (const message of batch) message.ack();
    await waitFor(async () => (await jsm.consumers.info(workStream, 'worker')).num_ack_pending === 0, { message: 'all acknowledged' });
    await health.tick();
    expect(consumer(await health.report(), 'worker')).toMatchObject({ pending: 0, status: 'ok' });
    expect(await openAlert(key)).toBeUndefined();
    const published = await waitFor(async () => {
      const found = await alertEvents(key);
      return found.some((e) => e.subject.endsWith('.resolved')) ? found : undefined;
    }, { message: 'resolved event' });
    expect(published.map((e) => `${e.subject.split('.').pop()} ${e.alert.severity}`)).toEqual(['raised warning', 'raised critical', 'resolved critical']);
  });

  it('closes the alert of a consumer that was deleted', async () => {
    const key = `jetstream:${workStream}:poison`;
    const js = jetstream(await manager.connect());
    for (let i = 0; i < 5; i++) await js.publish(`${prefix}work.job`, `more ${i}`);
    await health.tick();
    await sleep(ALERT_AFTER_MS + 50);
    await health.tick();
    expect(await openAlert(key)).toBeDefined();
    await jsm.consumers.delete(workStream, 'poison');
    await health.tick();
    expect(await openAlert(key)).toBeUndefined();
  });

  it('answers with an error, not a crash, while NATS is down', async () => {
    const server = await startNatsServer({ jetstream: true });
    const down = natsManager('jetstream-health-down', server.url);
    try {
      await down.connect();
      await server.stop();
      await waitFor(() => !down.status().up, { message: 'NATS seen down' });
      const report = await new JetStreamHealth({ ...options(), nats: down }).report();
      expect(report.error).toMatchObject({ code: 'NATS_UNAVAILABLE', message: expect.stringContaining('NATS is unreachable') });
      expect(report.streams).toEqual([]);
      const never = natsManager('never-connected', server.url);
      expect((await new JetStreamHealth({ ...options(), nats: never }).report()).error?.code).toBe('NATS_UNAVAILABLE');
    } finally {
      await down.drain(200);
      await server.dispose();
    }
  });
});
