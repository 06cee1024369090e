import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createPool } from '@homelab/database';
import { DataCipher, generateKey, parseKeyRing, Redactor } from '@homelab/secrets';
import { createTestDatabase, startDockerFake, startSshd, type DockerFake, type SshdHandle, type TestDatabase } from '@homelab/testing';
import { LocalExecutor } from '../local-executor.js';
import { SshExecutor } from '../ssh-executor.js';
import type { CommandExecutor } from '../types.js';
import { CheckpointService } from './checkpoint-service.js';
import { diffContainer } from './container-snapshot.js';
import { CheckpointAlreadyRestoredError, CheckpointError } from './errors.js';
import type { ContainerSnapshot } from './types.js';

const migrationsDir = fileURLToPath(new URL('../../../../apps/jarvis-guard/prisma/migrations', import.meta.url));
const SECRET = 'db_password=correct-horse-battery-staple';

/**
 * End to end: a checkpoint taken over a real sshd and a Docker Engine API,
 * stored in jarvis-guard's schema, then a change to files and containers,
 * then rollback — compared byte for byte and config for config.
 */
describe('CheckpointService end to end', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let sshd: SshdHandle;
  let fake: DockerFake;
  let docker: Docker;
  let ssh: SshExecutor;
  let dir: string;
  const cipher = new DataCipher(parseKeyRing(`k1:${generateKey()}`, new Redactor()));

  const service = (options: { cipher?: DataCipher; maxFileBytes?: number; executor?: CommandExecutor } = {}): CheckpointService =>
    new CheckpointService({
      pool,
      executorFor: (host) => {
        if (host !== 'nas') throw new Error(`unknown host ${host}`);
        return options.executor ?? ssh;
      },
      dockerFor: (host) => (host === 'nas' ? docker : undefined),
      ...(options.cipher ? { cipher: options.cipher } : {}),
      ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    });

  beforeAll(async () => {
    database = await createTestDatabase('guard_exec_checkpoint');
    pool = createPool(database.url, { max: 4 });
    await applyMigrations({ pool, migrationsDir });
    sshd = await startSshd();
    ssh = new SshExecutor({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, hostKeySha256: sshd.hostKeySha256 });
    fake = await startDockerFake();
    docker = new Docker({ socketPath: fake.socketPath });
    dir = mkdtempSync(join(tmpdir(), 'guard-exec-e2e-'));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    await sshd?.stop();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function seedContainers(): void {
    fake.seedImage({ repoTags: ['nginx:1.27'], config: { Env: ['PATH=/usr/sbin:/usr/bin', 'NGINX_VERSION=1.27.2'], Cmd: ['nginx', '-g', 'daemon off;'] } });
    fake.seedContainer({
      name: 'web',
      image: 'nginx:1.27',
      env: ['TZ=Europe/Berlin', SECRET],
      labels: { 'com.homelab.role': 'proxy' },
      hostConfig: { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Binds: ['/srv/web:/usr/share/nginx/html:ro'] },
      endpoints: { homelab: { Aliases: ['proxy'] } },
    });
    fake.seedContainer({ name: 'batch', image: 'nginx:1.27', running: false });
  }

  it('rolls back changed, deleted and created files and a recreated container', async () => {
    seedContainers();
    const config = join(dir, 'app.conf');
    const doomed = join(dir, 'doomed.txt');
    const created = join(dir, 'created later.txt');
    writeFileSync(config, `listen 80;\n${SECRET}\n`);
    chmodSync(config, 0o640);
    writeFileSync(doomed, Buffer.from([0, 1, 2, 3, 250, 251]));
    chmodSync(doomed, 0o600);
    const before = { config: readFileSync(config), doomed: readFileSync(doomed), configMode: statSync(config).mode, doomedMode: statSync(doomed).mode };
    const webBefore = fake.inspect('web');
    const batchBefore = fake.inspect('batch');

    const checkpoints = service({ cipher });
    const record = await checkpoints.create({
      host: 'nas',
      command: 'sed -i s/80/81/ app.conf && docker compose up -d',
      caller: 'jarvis',
      scope: { paths: [config, doomed, created], containers: ['web', 'batch', 'sidecar'] },
    });
    expect(record).toMatchObject({ host: 'nas', caller: 'jarvis', restoredAt: null, encrypted: true });

    // the change
    writeFileSync(config, 'listen 81;\n');
    chmodSync(config, 0o666);
    rmSync(doomed);
    writeFileSync(created, 'new');
    await docker.getContainer('web').remove({ force: true });
    fake.seedImage({ repoTags: ['nginx:1.28'] });
    const replacement = await docker.createContainer({ name: 'web', Image: 'nginx:1.28', Env: ['TZ=UTC'], HostConfig: { RestartPolicy: { Name: 'always' } } });
    await replacement.start();
    await docker.getContainer('batch').start();
    await (await docker.createContainer({ name: 'sidecar', Image: 'nginx:1.28' })).start();

    const report = await checkpoints.rollback(record.id);
    expect(report.differences).toEqual([]);
    expect(report.files).toEqual([
      { path: config, action: 'restored' },
      { path: doomed, action: 'restored' },
      { path: created, action: 'deleted' },
    ]);
    expect(report.containers).toEqual([
      { name: 'web', action: 'recreated' },
      { name: 'batch', action: 'state-restored' },
      { name: 'sidecar', action: 'removed' },
    ]);

    // files: byte for byte, mode for mode
    expect(readFileSync(config).equals(before.config)).toBe(true);
    expect(readFileSync(doomed).equals(before.doomed)).toBe(true);
    expect(statSync(config).mode).toBe(before.configMode);
    expect(statSync(doomed).mode).toBe(before.doomedMode);
    expect(existsSync(created)).toBe(false);

    // containers: config for config
    const webAfter = fake.inspect('web');
    expect(webAfter?.Id).not.toBe(webBefore?.Id);
    expect(webAfter?.Image).toBe(webBefore?.Image);
    expect(webAfter?.State.Running).toBe(true);
    const { Image: _pinned, ...configAfter } = webAfter?.Config ?? {};
    const { Image: imageRefBefore, ...configBefore } = webBefore?.Config ?? {};
    expect(configAfter).toEqual(configBefore);
    expect(webAfter?.Config.Image).toBe(webBefore?.Image); // pinned to the image ID, not the moving tag
    expect(imageRefBefore).toBe('nginx:1.27');
    expect(webAfter?.HostConfig).toEqual(webBefore?.HostConfig);
    expect(webAfter?.NetworkSettings.Networks['homelab']?.Aliases).toEqual(['proxy']);
    expect(fake.inspect('batch')?.Id).toBe(batchBefore?.Id);
    expect(fake.inspect('batch')?.State.Running).toBe(false);
    expect(fake.inspect('sidecar')).toBeUndefined();

    // and marked restored
    expect((await checkpoints.get(record.id))?.restoredAt).toBeInstanceOf(Date);
  });

  it('refuses a second rollback of the same checkpoint, also when both race', async () => {
    const path = join(dir, 'twice.conf');
    writeFileSync(path, 'v1');
    const checkpoints = service();
    const record = await checkpoints.create({ host: 'nas', command: 'edit', caller: 'jarvis', scope: { paths: [path], containers: [] } });
    writeFileSync(path, 'v2');
    const outcomes = await Promise.allSettled([checkpoints.rollback(record.id), checkpoints.rollback(record.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(CheckpointAlreadyRestoredError);
    expect(String(refused?.reason.message)).toMatch(/already rolled back at .*restored at most once/);
    writeFileSync(path, 'v3');
    await expect(checkpoints.rollback(record.id)).rejects.toBeInstanceOf(CheckpointAlreadyRestoredError);
    expect(readFileSync(path, 'utf8')).toBe('v3');
  });

  it('keeps the payload encrypted at rest when a cipher is given', async () => {
    const path = join(dir, 'secret.env');
    writeFileSync(path, `${SECRET}\n`);
    const record = await service({ cipher }).create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [path], containers: ['web'] } });
    const { rows } = await pool.query<{ payload: string }>('SELECT payload::text AS payload FROM checkpoint WHERE id = $1', [record.id]);
    const stored = rows[0]?.payload ?? '';
    expect(stored).toContain('"encoding": "data-cipher"');
    expect(stored).not.toContain('correct-horse');
    expect(stored).not.toContain(Buffer.from(`${SECRET}\n`).toString('base64'));
    expect(stored).not.toContain('Europe/Berlin');

    // a plain checkpoint does hold the content — the assertions above can fail
    const plain = await service().create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [path], containers: ['web'] } });
    const plainRow = await pool.query<{ payload: string }>('SELECT payload::text AS payload FROM checkpoint WHERE id = $1', [plain.id]);
    expect(plainRow.rows[0]?.payload).toContain(Buffer.from(`${SECRET}\n`).toString('base64'));
    expect(plainRow.rows[0]?.payload).toContain('Europe/Berlin');

    // without the key, an encrypted checkpoint cannot be rolled back — and stays unrestored
    await expect(service().rollback(record.id)).rejects.toMatchObject({ code: 'CANNOT_DECRYPT' });
    const otherKey = new DataCipher(parseKeyRing(`k1:${generateKey()}`, new Redactor()));
    await expect(service({ cipher: otherKey }).rollback(record.id)).rejects.toMatchObject({ code: 'CANNOT_DECRYPT' });
    expect((await service().get(record.id))?.restoredAt).toBeNull();
  });

  it('stores nothing when part of the scope cannot be captured', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(4096, 1));
    const count = async (): Promise<number> => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM checkpoint')).rows[0]?.n);
    const before = await count();
    await expect(
      service({ maxFileBytes: 1024 }).create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [big], containers: [] } }),
    ).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    await expect(service().create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: ['relative/path'], containers: [] } })).rejects.toMatchObject({
      code: 'INVALID_SCOPE',
    });
    expect(await count()).toBe(before);
  });

  it('works the same through the local executor', async () => {
    const path = join(dir, 'local.conf');
    writeFileSync(path, 'a');
    const checkpoints = service({ executor: new LocalExecutor() });
    const record = await checkpoints.create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [path], containers: [] } });
    writeFileSync(path, 'b');
    expect((await checkpoints.rollback(record.id)).differences).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('a');
  });

  it('does not recreate a container whose image is gone; nothing is removed and the checkpoint stays open', async () => {
    const image = fake.seedImage({ repoTags: ['ephemeral:1'], repoDigests: [] });
    fake.seedContainer({ name: 'fragile', image: 'ephemeral:1' });
    const checkpoints = service();
    const record = await checkpoints.create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [], containers: ['fragile'] } });
    await docker.getContainer('fragile').remove({ force: true });
    await (await docker.createContainer({ name: 'fragile', Image: 'nginx:1.27' })).start();
    await docker.getImage(image.Id).remove();
    const replacementId = fake.inspect('fragile')?.Id;
    await expect(checkpoints.rollback(record.id)).rejects.toMatchObject({ code: 'IMAGE_MISSING', message: /no longer on the host/ });
    expect(fake.inspect('fragile')?.Id).toBe(replacementId);
    expect((await checkpoints.get(record.id))?.restoredAt).toBeNull();
    // once the image is back, the same checkpoint rolls back
    fake.seedImage({ id: image.Id, repoTags: ['ephemeral:1'], repoDigests: [] });
    expect((await checkpoints.rollback(record.id)).containers).toEqual([{ name: 'fragile', action: 'recreated' }]);
    expect(fake.inspect('fragile')?.Image).toBe(image.Id);
  });

  it('the table itself refuses to reopen or alter a checkpoint', async () => {
    const path = join(dir, 'db.conf');
    writeFileSync(path, 'x');
    const checkpoints = service();
    const record = await checkpoints.create({ host: 'nas', command: 'x', caller: 'jarvis', scope: { paths: [path], containers: [] } });
    await expect(pool.query(`UPDATE checkpoint SET command = 'other' WHERE id = $1`, [record.id])).rejects.toThrow(/immutable/);
    await checkpoints.rollback(record.id);
    await expect(pool.query('UPDATE checkpoint SET restored_at = NULL WHERE id = $1', [record.id])).rejects.toThrow(/already restored/);
  });

  it('reports unknown checkpoints and hosts without Docker clearly', async () => {
    await expect(service().rollback('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service().rollback('not-a-uuid')).rejects.toBeInstanceOf(CheckpointError);
    const noDocker = new CheckpointService({ pool, executorFor: () => ssh });
    await expect(noDocker.create({ host: 'nas', command: 'x', caller: 'j', scope: { paths: [], containers: ['web'] } })).rejects.toMatchObject({ code: 'NO_DOCKER' });
  });

  it('diffContainer names each field that differs', () => {
    const snapshot: ContainerSnapshot = {
      name: 'x',
      exists: true,
      id: 'a'.repeat(64),
      imageId: 'sha256:1',
      imageRef: 'x:1',
      repoDigests: [],
      running: true,
      config: { Image: 'x:1', Env: ['A=1'] },
      hostConfig: { Memory: 0 },
      endpoints: {},
    };
    const actual = {
      Id: 'b'.repeat(64),
      Name: '/x',
      Image: 'sha256:2',
      State: { Running: false },
      Config: { Image: 'sha256:2', Env: ['A=2'] },
      HostConfig: { Memory: 0 },
      NetworkSettings: { Networks: {} },
    } as unknown as Docker.ContainerInspectInfo;
    expect(diffContainer(snapshot, actual)).toEqual([
      'x: image sha256:2, expected sha256:1',
      'x: running=false, expected true',
      'x: Config.Env: ["A=2"], expected ["A=1"]',
    ]);
    expect(diffContainer({ name: 'x', exists: false }, undefined)).toEqual([]);
    expect(diffContainer(snapshot, undefined)).toEqual(['x: container is missing']);
  });
});
