import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerFake, type DockerFake } from '@homelab/testing';

/** The Docker Engine API fake from @homelab/testing, driven through the real dockerode client. */
describe('Docker Engine API fake (via dockerode)', () => {
  let fake: DockerFake;
  let docker: Docker;

  beforeAll(async () => {
    fake = await startDockerFake();
    docker = new Docker({ socketPath: fake.socketPath });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

  it('answers ping and version, with or without a version prefix', async () => {
    expect(String(await docker.ping())).toBe('OK');
    const version = await docker.version();
    expect(version).toMatchObject({ ApiVersion: '1.47', Os: 'linux' });
    const pinned = new Docker({ socketPath: fake.socketPath, version: 'v1.45' });
    expect((await pinned.version()).Version).toBe('27.3.1');
    expect(fake.calls.at(-1)).toMatchObject({ method: 'GET', path: '/version', status: 200 });
  });

  it('creates, inspects, lists and filters containers with the real payload shapes', async () => {
    fake.seedImage({ repoTags: ['registry.local/team/app:2.0'], config: { Env: ['PATH=/bin', 'MODE=image'], Cmd: ['app', '--serve'] } });
    const created = await docker.createContainer({ name: 'app', Image: 'registry.local/team/app:2.0', Env: ['MODE=prod', 'EXTRA=1'], Labels: { tier: 'web' } });
    const info = await created.inspect();
    expect(info.Name).toBe('/app');
    expect(info.State).toMatchObject({ Status: 'created', Running: false });
    expect(info.Config.Env).toEqual(['PATH=/bin', 'MODE=prod', 'EXTRA=1']);
    expect(info.Config.Cmd).toEqual(['app', '--serve']);
    expect(info.Image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(info.HostConfig.NetworkMode).toBe('bridge');

    expect(await docker.listContainers({ filters: { name: ['app'] } })).toEqual([]);
    const all = await docker.listContainers({ all: true, filters: { label: ['tier=web'] } });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ Names: ['/app'], State: 'created', Status: 'Created', Image: 'registry.local/team/app:2.0' });

    await created.start();
    const running = await docker.listContainers({ filters: { status: ['running'], name: ['app'] } });
    expect(running[0]?.State).toBe('running');
    const networks = (await created.inspect()).NetworkSettings.Networks;
    expect(networks['bridge']?.IPAddress).toMatch(/^172\.17\.0\.\d+$/);
  });

  it('answers like Docker for conflicts, unknown names and no-ops', async () => {
    await expect(docker.createContainer({ name: 'app', Image: 'registry.local/team/app:2.0' })).rejects.toSatisfy(
      (e: unknown) => statusOf(e) === 409 && /already in use/.test(String((e as Error).message)),
    );
    await expect(docker.createContainer({ Image: 'nope:1' })).rejects.toSatisfy((e: unknown) => statusOf(e) === 404);
    const missing = await docker.getContainer('ghost').inspect().catch((e: unknown) => e);
    expect(statusOf(missing)).toBe(404);
    expect((missing as { json: { message: string } }).json.message).toBe('No such container: ghost');
    await expect(docker.getContainer('app').start()).rejects.toSatisfy((e: unknown) => statusOf(e) === 304);
    await expect(docker.getContainer('app').remove()).rejects.toSatisfy((e: unknown) => statusOf(e) === 409);
  });

  it('stops, restarts, kills and removes', async () => {
    const app = docker.getContainer('app');
    await app.stop();
    expect((await app.inspect()).State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 0 });
    await expect(app.stop()).rejects.toSatisfy((e: unknown) => statusOf(e) === 304);
    await app.restart();
    expect((await app.inspect()).State.Running).toBe(true);
    await app.kill();
    expect((await app.inspect()).State).toMatchObject({ Running: false, ExitCode: 137 });
    await expect(app.kill()).rejects.toSatisfy((e: unknown) => statusOf(e) === 409);
    await app.remove({ force: true });
    expect(fake.inspect('app')).toBeUndefined();
  });

  it('lists and inspects images by tag (with slashes), digest and id', async () => {
    const image = fake.seedImage({ repoTags: ['nginx:1.27'] });
    const list = await docker.listImages();
    expect(list.some((entry) => entry.Id === image.Id && entry.RepoTags?.includes('nginx:1.27'))).toBe(true);
    expect((await docker.getImage('nginx:1.27').inspect()).Id).toBe(image.Id);
    expect((await docker.getImage(image.RepoDigests[0] ?? '').inspect()).Id).toBe(image.Id);
    expect((await docker.getImage(image.Id).inspect()).RepoTags).toEqual(['nginx:1.27']);
    expect((await docker.getImage('registry.local/team/app:2.0').inspect()).Config.Cmd).toEqual(['app', '--serve']);
  });

  it('removes images, refusing one in use unless forced', async () => {
    const image = fake.seedImage({ repoTags: ['tmp:1'] });
    fake.seedContainer({ name: 'uses-tmp', image: 'tmp:1', running: false });
    await expect(docker.getImage('tmp:1').remove()).rejects.toSatisfy((e: unknown) => statusOf(e) === 409);
    const removed = (await docker.getImage('tmp:1').remove({ force: true })) as unknown as Array<Record<string, string>>;
    expect(removed).toContainEqual({ Deleted: image.Id });
    await expect(docker.getImage(image.Id).inspect()).rejects.toSatisfy((e: unknown) => statusOf(e) === 404);
  });

  it('serves one-shot stats from which docker-stats CPU percent can be computed', async () => {
    fake.seedContainer({ name: 'busy', image: 'nginx:1.27', stats: { cpuPercent: 12.5, memoryUsage: 50_000_000 } });
    const stats = (await docker.getContainer('busy').stats({ stream: false })) as unknown as {
      cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus: number };
      precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number };
      memory_stats: { usage: number; limit: number };
      name: string;
    };
    const cpuDelta = stats.cpu_stats.cpu_usage.total_usage - stats.precpu_stats.cpu_usage.total_usage;
    const systemDelta = stats.cpu_stats.system_cpu_usage - stats.precpu_stats.system_cpu_usage;
    expect((cpuDelta / systemDelta) * stats.cpu_stats.online_cpus * 100).toBeCloseTo(12.5, 5);
    expect(stats.memory_stats.usage).toBe(50_000_000);
    expect(stats.name).toBe('/busy');
  });

  it('serves logs as multiplexed stream frames', async () => {
    fake.appendLogs('busy', [
      { stream: 'stdout', line: 'ready' },
      { stream: 'stderr', line: 'warning: low disk' },
      { stream: 'stdout', line: 'request served' },
    ]);
    const raw = (await docker.getContainer('busy').logs({ stdout: true, stderr: true, follow: false, tail: 2 })) as unknown as Buffer;
    const out = new PassThrough();
    const err = new PassThrough();
    const outChunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    out.on('data', (c: Buffer) => outChunks.push(c));
    err.on('data', (c: Buffer) => errChunks.push(c));
    const source = new PassThrough();
    docker.modem.demuxStream(source, out, err);
    source.end(raw);
    await new Promise((resolve) => source.on('end', resolve));
    expect(Buffer.concat(outChunks).toString()).toBe('request served\n');
    expect(Buffer.concat(errChunks).toString()).toBe('warning: low disk\n');
    expect(raw.readUInt8(0)).toBe(2);
  });

  it('records calls, injects failures on request and exposes state for assertions', async () => {
    fake.failNext({ method: 'POST', path: /\/restart$/, status: 500, message: 'boom' });
    await expect(docker.getContainer('busy').restart()).rejects.toSatisfy((e: unknown) => statusOf(e) === 500);
    await docker.getContainer('busy').restart();
    const restarts = fake.calls.filter((call) => call.path === '/containers/busy/restart');
    expect(restarts.map((call) => call.status)).toEqual([500, 204]);
    expect(fake.state().containers.map((c) => c.Name)).toContain('/busy');
  });
});
