import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backup, DatabaseCredentials, ManagedDatabase, Restore, TemplateSummary } from '@homelab/dashboard-databases';
import { startDockerFake, waitFor, type DockerFake } from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard (HTTP, auth, PostgreSQL, NATS, the alert service), dockerode. Faked: the Docker
// engine (health set by the test, execs unscripted so they fail like a missing tool). The library's own tests
// cover the templates, backups and restores in depth (libs/dashboard-databases).

interface ErrorBody {
  error: { code: string; message: string };
}

describe('one-click databases API', () => {
  let fake: DockerFake;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;
  let anonymous: ApiClient;
  let database: ManagedDatabase;

  beforeAll(async () => {
    fake = await startDockerFake();
    dash = await startDashboard({
      env: { DOCKER_HOSTS: `local=unix://${fake.socketPath}`, DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` },
    });
    [admin, viewer, anonymous] = await Promise.all([dash.as('admin'), dash.as('viewer'), dash.as('anonymous')]);
  });

  afterAll(async () => {
    await dash?.close();
    await fake?.close();
  });

  it('lists the templates to viewers, nobody else', async () => {
    const templates = await viewer.get('/api/databases/templates');
    expect(templates.status).toBe(200);
    expect(templates.json<{ templates: TemplateSummary[] }>().templates.map((t) => t.engine)).toEqual(['postgres', 'mariadb', 'redis', 'mongodb']);
    expect((await anonymous.get('/api/databases/templates')).status).toBe(401);
  });

  it('creates a database: 201 creating, then ready once Docker reports it healthy', async () => {
    expect((await viewer.post('/api/databases', { name: 'appdb', engine: 'postgres' })).status).toBe(403);
    const created = await admin.post('/api/databases', { name: 'appdb', engine: 'postgres', backupSchedule: '30 2 * * *', backupRetention: 3 });
    expect(created.status).toBe(201);
    expect(created.json<ManagedDatabase>()).toMatchObject({ name: 'appdb', engine: 'postgres', status: 'creating', host: 'local', backupSchedule: '30 2 * * *', backupRetention: 3 });
    await waitFor(() => fake.inspect('homelab-db-appdb')?.State.Running, { message: 'container started', timeoutMs: 15_000 });
    fake.setHealth('homelab-db-appdb', 'healthy');
    database = await waitFor(
      async () => (await viewer.get('/api/databases')).json<{ databases: ManagedDatabase[] }>().databases.find((d) => d.name === 'appdb' && d.status === 'ready'),
      { message: 'database ready', timeoutMs: 15_000 },
    );
    expect(database).toMatchObject({ health: 'healthy', error: null, progress: null, lastBackup: null });
    expect(database.nextBackupAt).toMatch(/T\d\d:30:00/);
  });

  it('answers bad input with 400 naming the field, a taken name with 409, an unknown id with 404', async () => {
    const bad = await admin.post('/api/databases', { name: '-nope', engine: 'postgres' });
    expect(bad.status).toBe(400);
    expect(bad.json<ErrorBody>().error).toMatchObject({ code: 'DATABASE_REQUEST_INVALID', message: expect.stringMatching(/^name: /) });
    const taken = await admin.post('/api/databases', { name: 'appdb', engine: 'redis' });
    expect(taken.status).toBe(409);
    expect(taken.json<ErrorBody>().error.code).toBe('DATABASE_NAME_TAKEN');
    const missing = await viewer.get('/api/databases/0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b/backups');
    expect(missing.status).toBe(404);
    expect(missing.json<ErrorBody>().error.code).toBe('DATABASE_NOT_FOUND');
  });

  it('reveals credentials to admins only; the password is the one the container got', async () => {
    expect((await anonymous.get(`/api/databases/${database.id}/credentials`)).status).toBe(401);
    expect((await viewer.get(`/api/databases/${database.id}/credentials`)).status).toBe(403);
    const response = await admin.get(`/api/databases/${database.id}/credentials`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const credentials = response.json<DatabaseCredentials>();
    expect(fake.inspect('homelab-db-appdb')?.Config.Env).toContain(`POSTGRES_PASSWORD=${credentials.password}`);
    expect(credentials).toMatchObject({ username: 'appdb', database: 'appdb', host: '127.0.0.1' });
    expect(credentials.connectionString).toBe(`postgresql://appdb:${credentials.password}@127.0.0.1:${credentials.port}/appdb`);
    // nothing else shows it
    const listed = await admin.get('/api/databases');
    expect(listed.text).not.toContain(credentials.password);
  });

  it('a manual backup answers 202 running; its failure shows in the list and as an open alert', async () => {
    const started = await admin.post(`/api/databases/${database.id}/backups`);
    expect(started.status).toBe(202);
    expect(started.json<Backup>()).toMatchObject({ trigger: 'manual', status: 'running' });
    const failed = await waitFor(
      async () => (await viewer.get(`/api/databases/${database.id}/backups`)).json<{ backups: Backup[] }>().backups.find((b) => b.status !== 'running'),
      { message: 'backup finished' },
    );
    expect(failed).toMatchObject({ status: 'failed', file: null });
    expect(failed.error).toMatch(/^the dump command exited with code 126/);
    const alerts = await waitFor(async () => {
      const open = (await viewer.get('/api/alerts?state=open')).json<{ alerts: { key: string; source: string }[] }>().alerts;
      return open.some((a) => a.key === 'backup:appdb') ? open : undefined;
    }, { message: 'backup alert' });
    expect(alerts.find((a) => a.key === 'backup:appdb')?.source).toBe('database-backup');
  });

  it('a restore needs the database name as confirmation', async () => {
    const body = { backupId: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b' };
    expect((await viewer.post(`/api/databases/${database.id}/restore`, { ...body, confirm: 'appdb' })).status).toBe(403);
    const unconfirmed = await admin.post(`/api/databases/${database.id}/restore`, body);
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.json<ErrorBody>().error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: 'To restore over the data of "appdb", send "confirm": "appdb"' });
    const unknownBackup = await admin.post(`/api/databases/${database.id}/restore`, { ...body, confirm: 'appdb' });
    expect(unknownBackup.status).toBe(404);
    expect(unknownBackup.json<ErrorBody>().error.code).toBe('BACKUP_NOT_FOUND');
    expect((await viewer.get(`/api/databases/${database.id}/restores`)).json<{ restores: Restore[] }>().restores).toEqual([]);
  });

  it('changes the backup policy and deletes with confirmation', async () => {
    const patched = await admin.patch(`/api/databases/${database.id}`, { backupSchedule: null });
    expect(patched.status).toBe(200);
    expect(patched.json<ManagedDatabase>()).toMatchObject({ backupSchedule: null, nextBackupAt: null, backupRetention: 3 });
    expect((await admin.delete(`/api/databases/${database.id}`, { confirm: 'wrong' })).status).toBe(409);
    expect((await admin.delete(`/api/databases/${database.id}`, { confirm: 'appdb', removeVolume: true })).status).toBe(204);
    expect(fake.inspect('homelab-db-appdb')).toBeUndefined();
    expect((await viewer.get('/api/databases')).json<{ databases: ManagedDatabase[] }>().databases).toEqual([]);
  });
});
