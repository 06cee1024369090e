import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, databaseUrl, startDockerFake, waitFor, type DockerFake, type TestDatabase } from '@homelab/testing';
import type { Backup, ManagedDatabase } from './database.types.js';
import { DatabasesService } from './databases.service.js';
import { dockerFakeEngine, fakeRegistry, fastTiming, RecordingAlertSink, silentLogger, testCipher } from './testing/databases.test-helpers.js';

// Real: PostgreSQL 15 (both the dashboard's tables and the "database in the container"), pg_isready,
// pg_dump and pg_restore run as processes on this machine through the Docker fake's TEST-ONLY host mode
// (docker exec → a local process with the container's Env, pointed at the throwaway database), dockerode's
// exec with a hijacked stdin, the backup files on disk. Faked: the Docker engine itself.

const migrationsDir = fileURLToPath(new URL('../../../apps/dashboard/prisma/migrations', import.meta.url));

let dashboardDb: TestDatabase;
let target: TestDatabase;
let pool: pg.Pool;
let fake: DockerFake;
let backupDir: string;
let alerts: RecordingAlertSink;
let service: DatabasesService;
let database: ManagedDatabase;

async function onTarget<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const items = (): Promise<{ id: number; name: string }[]> => onTarget(async (c) => (await c.query<{ id: number; name: string }>('select id, name from items order by id')).rows);

async function backupNow(): Promise<Backup> {
  const started = await service.startBackup(database.id);
  return waitFor(async () => (await service.backups(database.id)).find((b) => b.id === started.id && b.status !== 'running'), {
    message: 'backup finished',
    timeoutMs: 20_000,
  });
}

beforeAll(async () => {
  dashboardDb = await createTestDatabase('dash-pg-roundtrip');
  await applyMigrations({ connectionString: dashboardDb.url, migrationsDir });
  pool = new pg.Pool({ connectionString: dashboardDb.url, max: 4 });
  target = await createTestDatabase('pg-target');
  await onTarget(async (c) => {
    await c.query('create table items (id int primary key, name text not null)');
    await c.query(`insert into items values (1, 'anvil'), (2, 'bellows'), (3, 'chisel')`);
  });
  fake = await startDockerFake();
  const engine = dockerFakeEngine(fake);
  engine.simulateHealth({ intervalMs: 20 });
  const server = new URL(target.url);
  // TEST ONLY: the container's commands run here, against the throwaway database instead of one in a container
  engine.runOnHost('homelab-db-pgreal', {
    env: {
      PGHOST: server.hostname,
      PGPORT: server.port || '5432',
      POSTGRES_USER: decodeURIComponent(server.username) || 'postgres',
      POSTGRES_DB: target.name,
    },
    timeoutMs: 30_000,
  });
  backupDir = await mkdtemp(join(tmpdir(), 'dash-pg-backups-'));
  alerts = new RecordingAlertSink();
  service = new DatabasesService({
    pool,
    registry: fakeRegistry(fake.socketPath),
    cipher: testCipher(),
    alerts,
    logger: silentLogger,
    backupDir,
    defaultSchedule: '0 3 * * *',
    defaultRetention: 7,
    timing: fastTiming,
  });
  const created = await service.create({ name: 'pgreal', engine: 'postgres' }, 'admin');
  await service.creationSettled(created.id);
  database = await service.get(created.id);
});

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await asAdmin(`alter database "${target.name}" allow_connections true`).catch(() => undefined);
  await target?.drop();
  await pool?.end();
  await dashboardDb?.drop();
  if (backupDir) await rm(backupDir, { recursive: true, force: true });
});

describe('PostgreSQL backup and restore, for real', () => {
  it('became ready through a real pg_isready', () => {
    expect(database).toMatchObject({ status: 'ready', health: 'healthy', error: null });
  });

  it('dumps with pg_dump -Fc, damages the data, restores it with pg_restore: the rows are back', async () => {
    const backup = await backupNow();
    expect(backup).toMatchObject({ status: 'succeeded', trigger: 'manual', error: null });
    const bytes = await readFile(join(backupDir, backup.file ?? ''));
    expect(bytes.subarray(0, 5).toString()).toBe('PGDMP'); // the custom format's magic
    expect(backup.sizeBytes).toBe(bytes.length);
    expect(backup.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    await onTarget(async (c) => {
      await c.query(`update items set name = 'broken'`);
      await c.query('delete from items where id > 1');
    });
    expect(await items()).toEqual([{ id: 1, name: 'broken' }]);

    const restore = await service.restore(database.id, { backupId: backup.id, confirm: 'pgreal' }, 'admin');
    await service.restoreService.settled(restore.id);
    const [finished] = await service.restores(database.id);
    expect(finished).toMatchObject({ id: restore.id, status: 'succeeded', error: null });
    expect(await items()).toEqual([
      { id: 1, name: 'anvil' },
      { id: 2, name: 'bellows' },
      { id: 3, name: 'chisel' },
    ]);

    // the safety backup holds the damaged state, and restores it too
    const safety = (await service.backups(database.id)).find((b) => b.id === finished?.safetyBackupId);
    expect(safety).toMatchObject({ trigger: 'pre-restore', status: 'succeeded' });
    const undo = await service.restore(database.id, { backupId: safety?.id ?? '', confirm: 'pgreal' }, 'admin');
    await service.restoreService.settled(undo.id);
    expect(await items()).toEqual([{ id: 1, name: 'broken' }]);
  });

  it('a failing pg_dump marks the backup failed, raises the alert and leaves no partial file; the next success resolves it', async () => {
    const before = (await readdir(join(backupDir, 'pgreal'))).sort();
    await asAdmin(`alter database "${target.name}" allow_connections false`);
    try {
      const failed = await backupNow();
      expect(failed).toMatchObject({ status: 'failed', file: null, sizeBytes: null, sha256: null });
      expect(failed.error).toMatch(/^the dump command exited with code 1: pg_dump: error: .*is not currently accepting connections/);
      // the alert is raised right after the row is marked failed
      const alert = await waitFor(() => alerts.open.get('backup:pgreal'), { message: 'backup alert raised' });
      expect(alert).toMatchObject({ source: 'database-backup', severity: 'warning' });
      expect((await readdir(join(backupDir, 'pgreal'))).sort()).toEqual(before);
    } finally {
      await asAdmin(`alter database "${target.name}" allow_connections true`);
    }
    expect((await backupNow()).status).toBe('succeeded');
    await waitFor(() => (alerts.open.has('backup:pgreal') ? undefined : true), { message: 'backup alert resolved' });
  });

  it('retention keeps the newest N succeeded dumps and deletes the older files', async () => {
    await service.update(database.id, { backupRetention: 2 });
    const newest = [await backupNow(), await backupNow()];
    // pruning runs right after the newest backup is marked succeeded
    const backups = await waitFor(
      async () => {
        const list = await service.backups(database.id);
        return list.filter((b) => b.status === 'succeeded').length === 2 ? list : undefined;
      },
      { message: 'older backups pruned' },
    );
    const succeeded = backups.filter((b) => b.status === 'succeeded');
    expect(succeeded.map((b) => b.id)).toEqual(newest.reverse().map((b) => b.id));
    expect(backups.filter((b) => b.status === 'pruned').length).toBeGreaterThanOrEqual(3);
    expect((await readdir(join(backupDir, 'pgreal'))).sort()).toEqual(succeeded.map((b) => b.file?.split('/')[1]).sort());
  });
});
