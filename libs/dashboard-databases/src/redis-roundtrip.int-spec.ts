import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, freePort, startDockerFake, waitFor, type DockerFake, type TestDatabase } from '@homelab/testing';
import type { Backup, ManagedDatabase } from './database.types.js';
import { DatabasesService } from './databases.service.js';
import { dockerFakeEngine, fakeRegistry, fastTiming, RecordingAlertSink, silentLogger, testCipher } from './testing/databases.test-helpers.js';

// Real: a private redis-server (7.x) started for this test, redis-cli --rdb, redis-check-rdb and the
// template's restore script, run on this machine through the Docker fake's TEST-ONLY host mode.
// Faked: the Docker engine.

const run = promisify(execFile);
const migrationsDir = fileURLToPath(new URL('../../../apps/dashboard/prisma/migrations', import.meta.url));
const PASSWORD = 'TestOnlyRedisPassword0123456789x';

let dashboardDb: TestDatabase;
let pool: pg.Pool;
let fake: DockerFake;
let dataDir: string;
let backupDir: string;
let port: number;
let server: ChildProcess | undefined;
let service: DatabasesService;
let database: ManagedDatabase;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), '--raw', ...args], { env: { ...process.env, REDISCLI_AUTH: PASSWORD } });
  return stdout.trim();
}

/** Starts (or restarts, on the same data directory) the private server. */
async function startRedis(): Promise<void> {
  // the settings of the template's server that matter here
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    `requirepass ${PASSWORD}`,
    `dir ${dataDir}`,
    'dbfilename dump.rdb',
    'appendonly yes',
    'enable-debug-command local',
    'repl-diskless-sync-delay 0',
  ];
  server = spawn('redis-server', ['-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  server.stdin?.end(`${config.join('\n')}\n`);
  await waitFor(async () => (await cli('ping')) === 'PONG', { message: 'redis-server up' });
}

async function stopRedis(): Promise<void> {
  const exited = new Promise((resolve) => server?.once('exit', resolve));
  await cli('shutdown', 'nosave').catch(() => undefined);
  await exited;
  server = undefined;
}

async function backupNow(): Promise<Backup> {
  const started = await service.startBackup(database.id);
  return waitFor(async () => (await service.backups(database.id)).find((b) => b.id === started.id && b.status !== 'running'), { message: 'backup finished' });
}

beforeAll(async () => {
  dashboardDb = await createTestDatabase('dash-redis-roundtrip');
  await applyMigrations({ connectionString: dashboardDb.url, migrationsDir });
  pool = new pg.Pool({ connectionString: dashboardDb.url, max: 4 });
  dataDir = await mkdtemp(join(tmpdir(), 'dash-redis-data-'));
  backupDir = await mkdtemp(join(tmpdir(), 'dash-redis-backups-'));
  port = await freePort();
  await startRedis();
  fake = await startDockerFake();
  const engine = dockerFakeEngine(fake);
  engine.simulateHealth({ intervalMs: 20 });
  // TEST ONLY: the container's commands run here against the private server (its port, a fixed password)
  engine.runOnHost('homelab-db-cache', { env: { REDIS_PORT: String(port), REDIS_PASSWORD: PASSWORD }, timeoutMs: 30_000 });
  service = new DatabasesService({
    pool,
    registry: fakeRegistry(fake.socketPath),
    cipher: testCipher(),
    alerts: new RecordingAlertSink(),
    logger: silentLogger,
    backupDir,
    defaultSchedule: '0 3 * * *',
    defaultRetention: 7,
    timing: fastTiming,
  });
  const created = await service.create({ name: 'cache', engine: 'redis' }, null);
  await service.creationSettled(created.id);
  database = await service.get(created.id);
});

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  if (server) await stopRedis();
  await pool?.end();
  await dashboardDb?.drop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(backupDir, { recursive: true, force: true });
});

describe('Redis backup and restore, for real', () => {
  it('became ready through a real redis-cli ping with the password', () => {
    expect(database).toMatchObject({ status: 'ready', health: 'healthy' });
  });

  it('snapshots with redis-cli --rdb and restores by reloading it; the append-only file follows', async () => {
    await cli('set', 'greeting', 'hello');
    await cli('rpush', 'queue', 'a', 'b', 'c');
    const backup = await backupNow();
    expect(backup).toMatchObject({ status: 'succeeded', error: null });
    expect((await readFile(join(backupDir, backup.file ?? ''))).subarray(0, 5).toString()).toBe('REDIS');

    await cli('flushall');
    await cli('set', 'intruder', 'x');
    const restore = await service.restore(database.id, { backupId: backup.id, confirm: 'cache' }, 'admin');
    await service.restoreService.settled(restore.id);
    expect((await service.restores(database.id))[0]).toMatchObject({ status: 'succeeded', error: null });
    expect(await cli('get', 'greeting')).toBe('hello');
    expect(await cli('lrange', 'queue', '0', '-1')).toBe('a\nb\nc');
    expect(await cli('exists', 'intruder')).toBe('0');

    // a finished restore is durable: the append-only file was rewritten from the restored data, so a
    // restart right away (which replays that file) keeps it
    await stopRedis();
    await startRedis();
    expect(await cli('get', 'greeting')).toBe('hello');
    expect(await cli('exists', 'intruder')).toBe('0');
  });

  it('refuses to load a file that is not an RDB, and leaves the data alone', async () => {
    const safety = (await service.backups(database.id)).find((b) => b.trigger === 'pre-restore');
    await rm(join(backupDir, safety?.file ?? ''));
    const backup = await backupNow();
    const path = join(backupDir, backup.file ?? '');
    await writeFile(path, 'not an rdb at all');
    await pool.query(`update database_backup set sha256 = null where id = $1`, [backup.id]);
    const restore = await service.restore(database.id, { backupId: backup.id, confirm: 'cache' }, null);
    await service.restoreService.settled(restore.id);
    expect((await service.restores(database.id))[0]?.error).toMatch(/^the restore command exited with code 1: the backup is not a valid RDB file/);
    expect(await cli('get', 'greeting')).toBe('hello');
  });
});
