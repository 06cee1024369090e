import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, startDockerFake, waitFor, type DockerFake, type TestDatabase } from '@homelab/testing';
import type { BackupTrigger } from './database.types.js';
import { DatabasesService } from './databases.service.js';
import type { DatabaseRecord } from './managed-database.repository.js';
import { dockerFakeEngine, fakeRegistry, fastTiming, RecordingAlertSink, silentLogger, testCipher, type DockerFakeEngine } from './testing/databases.test-helpers.js';

// Real: PostgreSQL (the unique (database_id, scheduled_for) row decides), croner timers, dockerode against the
// Docker fake, files on disk. Two DatabasesService instances stand for two dashboard replicas.

const migrationsDir = fileURLToPath(new URL('../../../apps/dashboard/prisma/migrations', import.meta.url));

let db: TestDatabase;
let pool: pg.Pool;
let fake: DockerFake;
let engine: DockerFakeEngine;
let backupDir: string;
const replicas: DatabasesService[] = [];
/** Per replica: how often its scheduler tried a slot, and how often it won. */
const attempts = [0, 0];
const wins = [0, 0];

function replica(index: number): DatabasesService {
  const service = new DatabasesService({
    pool,
    registry: fakeRegistry(fake.socketPath),
    cipher: testCipher(),
    alerts: new RecordingAlertSink(),
    logger: silentLogger,
    backupDir,
    defaultSchedule: '0 3 * * *',
    defaultRetention: 100,
    // no catch-up: every attempt counted below comes from a cron slot firing
    timing: { ...fastTiming, catchUpMs: 0, schedulerRefreshMs: 200 },
  });
  const start = service.backupService.start.bind(service.backupService);
  service.backupService.start = async (database: DatabaseRecord, trigger: BackupTrigger, scheduledFor?: Date | null) => {
    const started = await start(database, trigger, scheduledFor);
    if (trigger === 'schedule') {
      attempts[index] = (attempts[index] ?? 0) + 1;
      if (started) wins[index] = (wins[index] ?? 0) + 1;
    }
    return started;
  };
  replicas.push(service);
  return service;
}

const dumps = (): number => engine.execs.filter((e) => e.cmd.join(' ').includes('pg_dump')).length;

beforeAll(async () => {
  db = await createTestDatabase('dash-db-scheduler');
  await applyMigrations({ connectionString: db.url, migrationsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  fake = await startDockerFake();
  engine = dockerFakeEngine(fake);
  engine.simulateHealth({ intervalMs: 5 });
  engine.onExec((request) => (request.purpose === 'healthcheck' ? {} : { stdout: `dump of ${new Date().toISOString()}\n` }));
  backupDir = await mkdtemp(join(tmpdir(), 'dash-db-scheduler-'));
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await fake?.close();
  await pool?.end();
  await db?.drop();
  await rm(backupDir, { recursive: true, force: true });
});

describe('scheduled backups across replicas', () => {
  it('runs every slot exactly once with two replicas, and keeps running when one stops', async () => {
    const [a, b] = [replica(0), replica(1)];
    const created = await a.create({ name: 'sched', engine: 'postgres', backupSchedule: null }, null);
    await a.creationSettled(created.id);
    expect((await a.get(created.id)).status).toBe('ready');
    // the API takes five-field schedules; replicas run whatever croner accepts, here every second
    await pool.query(`update managed_database set backup_schedule = '* * * * * *' where id = $1`, [created.id]);
    a.start();
    b.start();
    await Promise.all([a.scheduler.refresh(), b.scheduler.refresh()]);

    await waitFor(async () => (await a.backups(created.id)).filter((x) => x.status === 'succeeded').length >= 4, { timeoutMs: 15_000, message: 'four scheduled backups' });
    a.stop();
    const slots = await pool.query<{ scheduled_for: Date; n: string }>(
      `select scheduled_for, count(*) as n from database_backup where database_id = $1 group by scheduled_for order by scheduled_for`,
      [created.id],
    );
    expect(slots.rows.every((row) => row.n === '1')).toBe(true);
    expect(slots.rows.every((row) => row.scheduled_for.getMilliseconds() === 0)).toBe(true);
    const rows = slots.rows.length;
    // both replicas fired for the slots (give or take the one in flight at the moment a stopped), one dump each
    expect(attempts[0]).toBeGreaterThanOrEqual(rows - 1);
    expect(attempts[1]).toBeGreaterThanOrEqual(rows - 1);
    expect((wins[0] ?? 0) + (wins[1] ?? 0)).toBe(rows);
    await waitFor(async () => (await a.backups(created.id)).every((x) => x.status !== 'running'), { message: 'in-flight backups settle' });
    expect(dumps()).toBe(rows);

    const winsOfB = wins[1] ?? 0;
    await waitFor(() => (wins[1] ?? 0) >= winsOfB + 2, { timeoutMs: 10_000, message: 'the remaining replica takes over every slot' });
    const after = await pool.query<{ n: string }>(`select count(*) as n from database_backup where database_id = $1 group by scheduled_for having count(*) > 1`, [created.id]);
    expect(after.rowCount).toBe(0);
  });

  it('runs a slot missed shortly before (a restart at backup time) once, on whichever replica notices first', async () => {
    const service = replica(0);
    const created = await service.create({ name: 'missed', engine: 'postgres', backupSchedule: null }, null);
    await service.creationSettled(created.id);
    // a yearly slot that passed while "no replica was up"
    await pool.query(`update managed_database set backup_schedule = '0 0 1 1 *', created_at = now() - interval '2 years' where id = $1`, [created.id]);
    const yearly = { ...fastTiming, catchUpMs: 400 * 24 * 3600_000 };
    const late = [0, 1].map(() => {
      const r = new DatabasesService({ pool, registry: fakeRegistry(fake.socketPath), cipher: testCipher(), alerts: new RecordingAlertSink(), logger: silentLogger, backupDir, defaultSchedule: '0 3 * * *', defaultRetention: 100, timing: yearly });
      replicas.push(r);
      return r;
    });
    for (const r of late) r.start();
    await Promise.all(late.map((r) => r.scheduler.refresh()));
    await Promise.all(late.map((r) => r.scheduler.refresh()));
    const backups = await waitFor(async () => {
      const list = await service.backups(created.id);
      return list.length > 0 && list.every((x) => x.status !== 'running') ? list : undefined;
    });
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    const slot = await pool.query<{ scheduled_for: Date }>('select scheduled_for from database_backup where database_id = $1', [created.id]);
    expect(slot.rows[0]?.scheduled_for).toEqual(new Cron('0 0 1 1 *').previousRuns(1)[0]);
  });
});
