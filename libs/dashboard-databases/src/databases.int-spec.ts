import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, startDockerFake, waitFor, type DockerFake, type DockerFakeCall, type TestDatabase } from '@homelab/testing';
import type { Backup, DatabaseEngine, ManagedDatabase } from './database.types.js';
import { DatabasesService } from './databases.service.js';
import { templateFor } from './templates/templates.js';
import {
  dockerFakeEngine,
  fakeRegistry,
  fastTiming,
  RecordingAlertSink,
  silentLogger,
  testCipher,
  type DockerFakeEngine,
  type DockerFakeExecRequest,
} from './testing/databases.test-helpers.js';

// Real: PostgreSQL (the dashboard's migrations), dockerode against the Docker fake (its calls are what is
// checked), the backup files on disk, AES-GCM. Scripted: what the commands inside the containers print.

const migrationsDir = fileURLToPath(new URL('../../../apps/dashboard/prisma/migrations', import.meta.url));

let db: TestDatabase;
let pool: pg.Pool;
let fake: DockerFake;
let engine: DockerFakeEngine;
let backupDir: string;
let alerts: RecordingAlertSink;
let service: DatabasesService;
/** Restore commands' stdin, in order. */
let restoredInputs: Buffer[];
let dumpFails: string | undefined;

/** The variables each official image reads on first start. */
const ENV_KEYS: Record<DatabaseEngine, string[]> = {
  postgres: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'POSTGRES_HOST_AUTH_METHOD'],
  mariadb: ['MARIADB_USER', 'MARIADB_PASSWORD', 'MARIADB_DATABASE', 'MARIADB_ROOT_PASSWORD_HASH', 'MARIADB_ROOT_HOST', 'MARIADB_AUTO_UPGRADE'],
  redis: ['REDIS_PASSWORD'],
  mongodb: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD', 'MONGO_INITDB_DATABASE'],
};

const DUMP = Buffer.from('PGDMP\u0001fake dump bytes\n'.repeat(100));

function script(request: DockerFakeExecRequest) {
  const command = request.cmd.join(' ');
  if (request.purpose === 'healthcheck') return command.includes('unhealthy-marker') ? { exitCode: 1, stderr: 'connection refused' } : { stdout: 'ok' };
  const template = ['postgres', 'mariadb', 'redis', 'mongodb'].map((e) => templateFor(e as DatabaseEngine)).find((t) => t.backup.cmd.join(' ') === command || t.restore.cmd.join(' ') === command);
  if (!template) return { exitCode: 127, stderr: `unexpected command ${command}` };
  if (template.backup.cmd.join(' ') === command) return dumpFails ? { exitCode: 1, stderr: dumpFails } : { stdout: DUMP, stderr: 'pg_dump: a notice\n' };
  restoredInputs.push(request.stdin ?? Buffer.alloc(0));
  return request.stdin?.equals(DUMP) ? { stdout: 'restored\n' } : { exitCode: 1, stderr: 'pg_restore: error: input file does not appear to be a valid archive\n' };
}

function newService(options: { cipher?: boolean } = {}): DatabasesService {
  return new DatabasesService({
    pool,
    registry: fakeRegistry(fake.socketPath),
    cipher: options.cipher === false ? undefined : testCipher(),
    alerts,
    logger: silentLogger,
    backupDir,
    defaultSchedule: '0 3 * * *',
    defaultRetention: 7,
    timing: fastTiming,
  });
}

async function createReady(name: string, engineName: DatabaseEngine, extra: Record<string, unknown> = {}): Promise<ManagedDatabase> {
  const created = await service.create({ name, engine: engineName, ...extra }, 'admin');
  await service.creationSettled(created.id);
  return service.get(created.id);
}

async function backupSettled(databaseId: string, backupId: string): Promise<Backup> {
  return waitFor(async () => (await service.backups(databaseId)).find((b) => b.id === backupId && b.status !== 'running'), { message: 'backup finished' });
}

const callsTo = (method: string, path: RegExp): DockerFakeCall[] => fake.calls.filter((c) => c.method === method && path.test(c.path));

beforeAll(async () => {
  db = await createTestDatabase('dash-databases');
  await applyMigrations({ connectionString: db.url, migrationsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

beforeEach(async () => {
  fake = await startDockerFake();
  engine = dockerFakeEngine(fake);
  engine.simulateHealth({ intervalMs: 5 });
  engine.onExec(script);
  backupDir = await mkdtemp(join(tmpdir(), 'dash-db-backups-'));
  alerts = new RecordingAlertSink();
  restoredInputs = [];
  dumpFails = undefined;
  await pool.query('delete from managed_database');
  service = newService();
});

afterEach(async () => {
  await service.stop();
  await fake.close();
  await rm(backupDir, { recursive: true, force: true });
});

describe('creating a database', () => {
  it.each(['postgres', 'mariadb', 'redis', 'mongodb'] as const)('%s: pulls the pinned image, makes the volume, creates, starts and waits for healthy', async (engineName) => {
    const template = templateFor(engineName);
    const created = await service.create({ name: `my-${engineName}`, engine: engineName }, 'admin');
    expect(created).toMatchObject({ status: 'creating', progress: 'queued', host: 'local', image: template.image, containerName: `homelab-db-my-${engineName}` });
    await service.creationSettled(created.id);
    const ready = await service.get(created.id);
    expect(ready).toMatchObject({ status: 'ready', health: 'healthy', error: null, progress: null, backupSchedule: '0 3 * * *', backupRetention: 7 });
    expect(ready.nextBackupAt).not.toBeNull();

    const [repository, tag] = template.image.split(':');
    expect(callsTo('POST', /^\/images\/create$/).map((c) => c.query)).toEqual([{ fromImage: repository, tag }]);
    expect(callsTo('POST', /^\/volumes\/create$/).map((c) => c.body)).toEqual([
      { Name: `homelab-db-my-${engineName}-data`, Labels: { 'homelab.managed': 'database', 'homelab.database.id': created.id } },
    ]);
    const [create] = callsTo('POST', /^\/containers\/create$/);
    expect(create?.query).toEqual({ name: `homelab-db-my-${engineName}` });
    const body = create?.body as Record<string, unknown> & { Env: string[]; HostConfig: Record<string, unknown> };
    expect(body).toMatchObject({
      Image: template.image,
      User: template.user,
      Labels: { 'homelab.managed': 'database', 'homelab.database.id': created.id },
      Healthcheck: { Test: template.healthcheck.test },
    });
    expect(body.HostConfig).toMatchObject({
      Mounts: [{ Type: 'volume', Source: `homelab-db-my-${engineName}-data`, Target: template.dataPath }],
      PortBindings: { [`${template.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Memory: template.memoryBytes,
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
    });
    expect(body.Env.map((entry) => entry.split('=')[0])).toEqual(ENV_KEYS[engineName]);
    expect(callsTo('POST', /^\/containers\/[0-9a-f]{64}\/start$/)).toHaveLength(1);

    // the password lives in the container's Env, and in our database only encrypted
    const credentials = await service.credentials(created.id, 'admin');
    expect(credentials.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(body.Env.filter((e) => e.endsWith(`=${credentials.password}`))).toHaveLength(1);
    const row = await pool.query<{ text: string }>('select m::text as text from managed_database m where id = $1', [created.id]);
    expect(row.rows[0]?.text).not.toContain(credentials.password);
    expect(row.rows[0]?.text).toMatch(/v1\.test\./);
    // Docker picked the host port (none was asked for); it is read back from inspect
    expect(ready.hostPort).toEqual(expect.any(Number));
    expect(credentials).toMatchObject({ host: '127.0.0.1', port: ready.hostPort, username: ready.username, database: ready.databaseName });
    expect(credentials.connectionString).toContain(`${encodeURIComponent(credentials.password)}@127.0.0.1:${ready.hostPort}`);
  });

  it('skips the pull when the image is there and publishes on the requested port and address', async () => {
    fake.seedImage({ repoTags: [templateFor('postgres').image] });
    const ready = await createReady('pinned', 'postgres', { hostPort: 15432, bindAddress: '0.0.0.0', backupSchedule: null, backupRetention: 3 });
    expect(ready).toMatchObject({ status: 'ready', hostPort: 15432, backupSchedule: null, nextBackupAt: null, backupRetention: 3 });
    expect(callsTo('POST', /^\/images\/create$/)).toHaveLength(0);
    expect((callsTo('POST', /^\/containers\/create$/)[0]?.body as { HostConfig: unknown }).HostConfig).toMatchObject({
      PortBindings: { '5432/tcp': [{ HostIp: '0.0.0.0', HostPort: '15432' }] },
    });
    const credentials = await service.credentials(ready.id, 'admin');
    expect(credentials).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'pinned', username: 'pinned' });
    expect(credentials.connectionString).toBe(`postgresql://pinned:${credentials.password}@127.0.0.1:15432/pinned`);
  });

  it('refuses a taken name (409), a bad name, schedule or field (400) and an unknown host (404) before touching Docker', async () => {
    await createReady('taken', 'redis');
    const before = fake.calls.length;
    await expect(service.create({ name: 'taken', engine: 'postgres' }, null)).rejects.toMatchObject({ code: 'DATABASE_NAME_TAKEN', kind: 'conflict' });
    await expect(service.create({ name: 'Bad_Name', engine: 'postgres' }, null)).rejects.toMatchObject({ code: 'DATABASE_REQUEST_INVALID', message: expect.stringContaining('name:') });
    await expect(service.create({ name: 'ok-name', engine: 'oracle' }, null)).rejects.toMatchObject({ message: expect.stringContaining('engine:') });
    await expect(service.create({ name: 'ok-name', engine: 'redis', backupSchedule: '61 * * * *' }, null)).rejects.toMatchObject({ message: expect.stringContaining('backupSchedule:') });
    await expect(service.create({ name: 'ok-name', engine: 'redis', password: 'mine' }, null)).rejects.toMatchObject({ message: expect.stringContaining('password') });
    await expect(service.create({ name: 'ok-name', engine: 'redis', host: 'nas' }, null)).rejects.toThrow(/nas/);
    expect(fake.calls.length).toBe(before);
  });

  it('refuses to create anything without DATA_ENCRYPTION_KEYS, naming the variable', async () => {
    const withoutKeys = newService({ cipher: false });
    await expect(withoutKeys.create({ name: 'nokeys', engine: 'postgres' }, null)).rejects.toMatchObject({
      code: 'ENCRYPTION_KEYS_MISSING',
      kind: 'unavailable',
      message: expect.stringContaining('DATA_ENCRYPTION_KEYS'),
    });
    expect((await pool.query('select 1 from managed_database')).rowCount).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('fails with the registry\'s answer when the image cannot be pulled', async () => {
    engine.refusePull(templateFor('mongodb').image);
    const failed = await createReady('nopull', 'mongodb');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/pull access denied for mongo/);
    expect(callsTo('POST', /^\/containers\/create$/)).toHaveLength(0);
  });

  it('fails with the health check\'s output when the container turns unhealthy', async () => {
    engine.onExec((request) => (request.purpose === 'healthcheck' ? { exitCode: 1, stderr: 'could not connect to server\n' } : { exitCode: 0 }));
    const failed = await createReady('sick', 'postgres');
    expect(failed).toMatchObject({ status: 'failed', health: 'unhealthy' });
    expect(failed.error).toBe('the health check failed: could not connect to server');
  });

  it('fails when the container stops, quoting its last log lines without the password', async () => {
    // a health check that never answers keeps the container "starting" until it dies
    engine.onExec(() => new Promise(() => undefined));
    const created = await service.create({ name: 'crashes', engine: 'mariadb' }, null);
    const container = await waitFor(() => fake.inspect('homelab-db-crashes'), { message: 'container created' });
    const env = (container.Config.Env ?? []).find((e) => e.startsWith('MARIADB_PASSWORD=')) ?? '';
    fake.appendLogs('homelab-db-crashes', [{ stream: 'stderr', line: `[ERROR] bad config, password ${env.split('=')[1]}` }]);
    await new Docker({ socketPath: fake.socketPath }).getContainer('homelab-db-crashes').kill();
    await service.creationSettled(created.id);
    const failed = await service.get(created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^the container stopped \(exit code 137\); last log lines: .*bad config, password \[REDACTED\]/);
  });

  it('reports progress while creating, readable by any replica', async () => {
    engine.onExec(() => new Promise(() => undefined));
    const slow = new DatabasesService({ pool, registry: fakeRegistry(fake.socketPath), cipher: testCipher(), alerts, logger: silentLogger, backupDir, defaultSchedule: '0 3 * * *', defaultRetention: 7, timing: { ...fastTiming, readyTimeoutMs: 60_000 } });
    try {
      const created = await slow.create({ name: 'progress', engine: 'postgres' }, null);
      const other = newService();
      const seen = await waitFor(async () => (await other.list()).find((d) => d.id === created.id && d.progress?.startsWith('waiting for the health check')), { message: 'progress' });
      expect(seen).toMatchObject({ status: 'creating', health: expect.stringMatching(/starting|unhealthy/) });
    } finally {
      await slow.stop();
    }
    const stopped = (await service.list()).find((d) => d.name === 'progress');
    expect(stopped).toMatchObject({ status: 'failed', error: 'creation was interrupted: the dashboard is shutting down' });
  });
});

describe('backups and restores (scripted commands)', () => {
  it('streams the dump into BACKUP_DIR/<name>/<timestamp>.<ext> with size and SHA-256, and restores it through stdin', async () => {
    const database = await createReady('shop', 'postgres');
    const running = await service.startBackup(database.id);
    expect(running).toMatchObject({ trigger: 'manual', status: 'running' });
    const backup = await backupSettled(database.id, running.id);
    expect(backup).toMatchObject({ status: 'succeeded', sizeBytes: DUMP.length, sha256: createHash('sha256').update(DUMP).digest('hex'), error: null });
    expect(backup.file).toMatch(/^shop\/\d{8}T\d{6}\.\d{3}Z\.dump$/);
    expect(await readFile(join(backupDir, backup.file ?? ''))).toEqual(DUMP);
    const execCreate = callsTo('POST', /^\/containers\/[0-9a-f]{64}\/exec$/).at(-1);
    expect(execCreate?.body).toMatchObject({ Cmd: templateFor('postgres').backup.cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false });
    expect((await service.get(database.id)).lastBackup?.id).toBe(backup.id);

    await expect(service.restore(database.id, { backupId: backup.id }, 'admin')).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED', kind: 'conflict' });
    await expect(service.restore(database.id, { backupId: backup.id, confirm: 'shopp' }, 'admin')).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    const restore = await service.restore(database.id, { backupId: backup.id, confirm: 'shop' }, 'admin');
    expect(restore).toMatchObject({ status: 'running', backupId: backup.id, requestedBy: 'admin' });
    await service.restoreService.settled(restore.id);
    const [finished] = await service.restores(database.id);
    expect(finished).toMatchObject({ id: restore.id, status: 'succeeded', error: null });
    expect(restoredInputs).toEqual([DUMP]);
    const restoreExec = callsTo('POST', /^\/containers\/[0-9a-f]{64}\/exec$/).at(-1);
    expect(restoreExec?.body).toMatchObject({ Cmd: templateFor('postgres').restore.cmd, AttachStdin: true });
    expect(callsTo('POST', /^\/exec\/[0-9a-f]{64}\/start$/).at(-1)?.status).toBe(101);
    const backups = await service.backups(database.id);
    expect(backups.map((b) => b.trigger)).toEqual(['pre-restore', 'manual']);
    expect(finished?.safetyBackupId).toBe(backups[0]?.id);
  });

  it('a failing dump marks the backup failed with stderr, raises backup:<name>, leaves no file; a success resolves it', async () => {
    const database = await createReady('flaky', 'mariadb');
    dumpFails = 'mariadb-dump: Got error: 1045: Access denied for user\n';
    const failed = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    expect(failed).toMatchObject({ status: 'failed', file: null, sizeBytes: null });
    expect(failed.error).toBe('the dump command exited with code 1: mariadb-dump: Got error: 1045: Access denied for user');
    expect(alerts.open.get('backup:flaky')).toMatchObject({ source: 'database-backup', severity: 'warning', title: 'Backup of flaky failed' });
    expect(await readdir(join(backupDir, 'flaky'))).toEqual([]);
    await backupSettled(database.id, (await service.startBackup(database.id)).id);
    await backupSettled(database.id, (await service.startBackup(database.id)).id);
    expect(alerts.open.get('backup:flaky')).toMatchObject({ severity: 'critical', message: expect.stringContaining('3 failures in a row') });

    dumpFails = undefined;
    const ok = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    expect(ok.status).toBe('succeeded');
    expect(alerts.open.has('backup:flaky')).toBe(false);
    expect(alerts.resolved).toContain('backup:flaky');
  });

  it('a failing restore says why and where the data from before is', async () => {
    const database = await createReady('broken', 'postgres');
    const backup = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    // the file changes on disk after it was written: the checksum catches it before anything is restored
    await appendFile(join(backupDir, backup.file ?? ''), 'tampered');
    const restore = await service.restore(database.id, { backupId: backup.id, confirm: 'broken' }, 'admin');
    await service.restoreService.settled(restore.id);
    const [tampered] = await service.restores(database.id);
    expect(tampered?.status).toBe('failed');
    expect(tampered?.error).toMatch(/changed since it was written \(SHA-256 differs\); nothing was restored; the data as it was before is in the pre-restore backup broken\/.*\.dump/);
    expect(restoredInputs).toEqual([]);

    const safety = (await service.backups(database.id)).find((b) => b.trigger === 'pre-restore');
    expect(safety?.status).toBe('succeeded');
    engine.onExec((request) => (request.stdin ? { exitCode: 1, stderr: 'pg_restore: error: could not execute query\n' } : script(request)));
    const second = await service.restore(database.id, { backupId: safety?.id ?? '', confirm: 'broken' }, null);
    await service.restoreService.settled(second.id);
    expect((await service.restores(database.id))[0]?.error).toMatch(/^the restore command exited with code 1: pg_restore: error: could not execute query; the data as it was before is in the pre-restore backup /);
  });

  it('refuses restores of unusable backups and a second restore at the same time', async () => {
    const database = await createReady('guarded', 'redis');
    dumpFails = 'NOAUTH';
    const failed = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    await expect(service.restore(database.id, { backupId: failed.id, confirm: 'guarded' }, null)).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE' });
    await expect(service.restore(database.id, { backupId: '00000000-0000-4000-8000-000000000000', confirm: 'guarded' }, null)).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' });
    await expect(service.restore(database.id, { backupId: 'nope', confirm: 'guarded' }, null)).rejects.toMatchObject({ code: 'DATABASE_REQUEST_INVALID' });
    dumpFails = undefined;
    const good = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    engine.onExec(async (request) => {
      if (request.stdin) await gate;
      return script(request);
    });
    const first = await service.restore(database.id, { backupId: good.id, confirm: 'guarded' }, null);
    await expect(newService().restore(database.id, { backupId: good.id, confirm: 'guarded' }, null)).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS' });
    release();
    await service.restoreService.settled(first.id);
    const file = join(backupDir, good.file ?? '');
    await rm(file);
    await expect(service.restore(database.id, { backupId: good.id, confirm: 'guarded' }, null)).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE', message: expect.stringContaining('no longer in the backup directory') });
  });

  it('keeps the newest N succeeded backups: older files deleted, rows marked pruned', async () => {
    const database = await createReady('rotating', 'mongodb', { backupRetention: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await backupSettled(database.id, (await service.startBackup(database.id)).id)).id);
    const backups = await service.backups(database.id);
    expect(backups.map((b) => [b.id, b.status])).toEqual([
      [ids[3], 'succeeded'],
      [ids[2], 'succeeded'],
      [ids[1], 'pruned'],
      [ids[0], 'pruned'],
    ]);
    expect((await readdir(join(backupDir, 'rotating'))).sort()).toEqual(backups.slice(0, 2).map((b) => b.file?.split('/')[1]).sort());
    await service.update(database.id, { backupRetention: 1 });
    expect((await service.backups(database.id)).map((b) => b.status)).toEqual(['succeeded', 'pruned', 'pruned', 'pruned']);
  });
});

describe('deleting a database', () => {
  it('needs the name, removes the container (and the volume if asked) and keeps the backups unless asked', async () => {
    const database = await createReady('doomed', 'postgres');
    const backup = await backupSettled(database.id, (await service.startBackup(database.id)).id);
    await expect(service.remove(database.id, {})).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    await service.remove(database.id, { confirm: 'doomed', removeVolume: true });
    expect(fake.inspect('homelab-db-doomed')).toBeUndefined();
    expect(engine.volumes().map((v) => v.Name)).not.toContain('homelab-db-doomed-data');
    const removed = await service.get(database.id);
    expect(removed).toMatchObject({ status: 'removed', health: 'missing', containerId: null, backupSchedule: null });
    expect((await service.backups(database.id)).map((b) => b.id)).toEqual([backup.id]);
    expect(await readFile(join(backupDir, backup.file ?? ''))).toEqual(DUMP);

    // the name can be used again: the record of the removed one makes way, its files stay
    const again = await createReady('doomed', 'postgres');
    expect(again.status).toBe('ready');
    await expect(service.get(database.id)).rejects.toMatchObject({ code: 'DATABASE_NOT_FOUND' });
    expect(await readFile(join(backupDir, backup.file ?? ''))).toEqual(DUMP);

    await service.remove(again.id, { confirm: 'doomed', removeBackups: true });
    await expect(service.get(again.id)).rejects.toMatchObject({ code: 'DATABASE_NOT_FOUND' });
    expect(engine.volumes().map((v) => v.Name)).toContain('homelab-db-doomed-data');
  });

  it('answers 503 when the Docker host is down, and keeps the database', async () => {
    const database = await createReady('hosted', 'redis');
    fake.failNext({ method: 'DELETE', path: /^\/containers\//, status: 500, message: 'Cannot connect to the Docker daemon' });
    await expect(service.remove(database.id, { confirm: 'hosted' })).rejects.toMatchObject({ code: 'DOCKER_HOST_UNAVAILABLE', kind: 'unavailable' });
    expect((await service.get(database.id)).status).toBe('ready');
  });
});
