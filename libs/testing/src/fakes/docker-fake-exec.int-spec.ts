import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../wait-for.js';
import { startDockerFake, type DockerFake } from './docker-fake.js';
import { dockerFakeEngine, type DockerFakeEngine } from './docker-fake-exec.js';

// Real: dockerode and docker-modem (HTTP, hijack, demultiplexing), child processes in host mode.

let fake: DockerFake;
let engine: DockerFakeEngine;
let docker: Docker;

beforeEach(async () => {
  fake = await startDockerFake();
  engine = dockerFakeEngine(fake);
  docker = new Docker({ socketPath: fake.socketPath });
});

afterEach(async () => {
  await fake.close();
});

async function demux(stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('exec', () => {
  it('runs a scripted command, streams multiplexed output and reports the exit code', async () => {
    fake.seedContainer({ name: 'db', image: 'postgres:17.2', env: ['POSTGRES_DB=app'] });
    engine.onExec(({ cmd, env }) => ({ stdout: `ran ${cmd.join(' ')} in ${env.find((e) => e.startsWith('POSTGRES_DB='))}\n`, stderr: 'a warning\n', exitCode: 2 }));
    const exec = await docker.getContainer('db').exec({ Cmd: ['pg_dump', '-Fc'], AttachStdout: true, AttachStderr: true, Env: ['EXTRA=1'] });
    const before = await exec.inspect();
    expect(before).toMatchObject({ Running: false, ExitCode: null, ProcessConfig: { entrypoint: 'pg_dump', arguments: ['-Fc'] } });
    const output = await demux(await exec.start({ hijack: false, stdin: false }));
    expect(output).toEqual({ stdout: 'ran pg_dump -Fc in POSTGRES_DB=app\n', stderr: 'a warning\n' });
    expect(await exec.inspect()).toMatchObject({ Running: false, ExitCode: 2, ContainerID: fake.inspect('db')?.Id });
    const create = fake.calls.find((c) => c.path.endsWith('/exec') && c.method === 'POST');
    expect(create?.body).toMatchObject({ Cmd: ['pg_dump', '-Fc'], Env: ['EXTRA=1'] });
    expect(engine.execs[0]).toMatchObject({ containerName: 'db', cmd: ['pg_dump', '-Fc'], exitCode: 2, mode: 'script' });
  });

  it('answers a hijack with 101 UPGRADED and feeds the raw stream to stdin', async () => {
    fake.seedContainer({ name: 'db', image: 'postgres:17.2' });
    engine.onExec(({ stdin }) => ({ stdout: `got ${stdin?.length ?? 0} bytes: ${stdin?.toString()}` }));
    const exec = await docker.getContainer('db').exec({ Cmd: ['pg_restore'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Socket;
    const output = demux(stream);
    stream.write('hello ');
    stream.end('world');
    expect((await output).stdout).toBe('got 11 bytes: hello world');
    expect(await exec.inspect()).toMatchObject({ ExitCode: 0, OpenStdin: true });
    expect(fake.calls.filter((c) => /\/exec\/[0-9a-f]+\/start$/.test(c.path)).map((c) => c.status)).toEqual([101]);
    expect(engine.execs[0]?.stdinBytes).toBe(11);
  });

  it('upgrades with the headers dockerd sends', async () => {
    fake.seedContainer({ name: 'db', image: 'postgres:17.2' });
    engine.onExec(() => ({ stdout: 'x' }));
    const { id } = await docker.getContainer('db').exec({ Cmd: ['true'], AttachStdout: true });
    const head = await new Promise<{ status: number | undefined; message: string | undefined; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest({ socketPath: fake.socketPath, method: 'POST', path: `/v1.47/exec/${id}/start`, headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json' } });
      req.on('upgrade', (res, socket: Socket) => {
        socket.destroy();
        resolve({ status: res.statusCode, message: res.statusMessage, headers: res.headers });
      });
      req.on('response', (res) => reject(new Error(`expected an upgrade, got ${res.statusCode}`)));
      req.on('error', reject);
      req.end(JSON.stringify({ Detach: false, Tty: false }));
    });
    expect(head).toEqual({
      status: 101,
      message: 'UPGRADED',
      headers: { 'content-type': 'application/vnd.docker.multiplexed-stream', connection: 'Upgrade', upgrade: 'tcp' },
    });
  });

  it('refuses execs in stopped containers and unknown exec ids like dockerd', async () => {
    fake.seedContainer({ name: 'stopped', image: 'redis:7.4.1', running: false });
    await expect(docker.getContainer('stopped').exec({ Cmd: ['redis-cli', 'ping'] })).rejects.toMatchObject({ statusCode: 409 });
    await expect(docker.getExec('f'.repeat(64)).inspect()).rejects.toMatchObject({ statusCode: 404 });
    fake.seedContainer({ name: 'up', image: 'redis:7.4.1' });
    await expect(docker.getContainer('up').exec({ Cmd: [] })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers an exec nobody scripted with exit 126 and a hint', async () => {
    fake.seedContainer({ name: 'db', image: 'postgres:17.2' });
    const exec = await docker.getContainer('db').exec({ Cmd: ['pg_dump'], AttachStdout: true, AttachStderr: true });
    const output = await demux(await exec.start({ hijack: true, stdin: false }));
    expect(output.stderr).toContain('no exec handler');
    expect((await exec.inspect()).ExitCode).toBe(126);
  });

  it('TEST ONLY host mode: runs the command on this machine with the container Env and overrides', async () => {
    fake.seedContainer({ name: 'hosted', image: 'postgres:17.2', env: ['FROM_CONTAINER=c'] });
    engine.runOnHost('hosted', { env: { FROM_TEST: 't' } });
    const exec = await docker.getContainer('hosted').exec({
      Cmd: ['sh', '-c', 'echo "$FROM_CONTAINER $FROM_TEST $FROM_EXEC"; wc -c; echo oops >&2; exit 3'],
      Env: ['FROM_EXEC=e'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Socket;
    const output = demux(stream);
    stream.end(Buffer.alloc(100_000, 1));
    expect(await output).toEqual({ stdout: 'c t e\n100000\n', stderr: 'oops\n' });
    expect(await exec.inspect()).toMatchObject({ ExitCode: 3, Running: false });
    expect(engine.execs[0]).toMatchObject({ mode: 'host', stdinBytes: 100_000 });
  });

  it('TEST ONLY host mode: a command that cannot start exits 126 with the runtime message', async () => {
    fake.seedContainer({ name: 'hosted', image: 'postgres:17.2' });
    engine.runOnHost('hosted');
    const exec = await docker.getContainer('hosted').exec({ Cmd: ['/nonexistent/binary'], AttachStdout: true, AttachStderr: true });
    const output = await demux(await exec.start({ hijack: false, stdin: false }));
    expect(output.stderr).toContain('unable to start container process');
    expect((await exec.inspect()).ExitCode).toBe(126);
  });
});

describe('volumes', () => {
  it('creates (idempotently), lists with filters, refuses to remove one in use and removes it', async () => {
    // dockerode answers createVolume with a handle; the payload is what inspect shows
    await docker.createVolume({ Name: 'pgdata', Labels: { 'homelab.managed': 'database' } });
    const created = (await docker.getVolume('pgdata').inspect()) as Docker.VolumeInspectInfo & { CreatedAt: string };
    expect(created).toMatchObject({ Name: 'pgdata', Driver: 'local', Mountpoint: '/var/lib/docker/volumes/pgdata/_data', Scope: 'local', Labels: { 'homelab.managed': 'database' } });
    await docker.createVolume({ Name: 'pgdata' });
    expect(((await docker.getVolume('pgdata').inspect()) as typeof created).CreatedAt).toBe(created.CreatedAt);
    expect(fake.calls.filter((c) => c.path === '/volumes/create').map((c) => c.status)).toEqual([201, 201]);
    await docker.createVolume({ Name: 'other' });
    const listed = await docker.listVolumes({ filters: JSON.stringify({ label: ['homelab.managed=database'] }) });
    expect(listed.Volumes.map((v) => v.Name)).toEqual(['pgdata']);

    fake.seedImage({ repoTags: ['postgres:17.2'] });
    await docker.createContainer({ name: 'db', Image: 'postgres:17.2', HostConfig: { Mounts: [{ Type: 'volume', Source: 'pgdata', Target: '/var/lib/postgresql/data' }] } });
    await expect(docker.getVolume('pgdata').remove()).rejects.toMatchObject({ statusCode: 409 });
    await docker.getContainer('db').remove({ force: true });
    await docker.getVolume('pgdata').remove();
    await expect(docker.getVolume('pgdata').inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(engine.volumes().map((v) => v.Name)).toEqual(['other']);
  });

  it('creates the named volumes a container mounts, as dockerd does', async () => {
    fake.seedImage({ repoTags: ['redis:7.4.1'] });
    await docker.createContainer({ name: 'cache', Image: 'redis:7.4.1', HostConfig: { Binds: ['cachedata:/data'] } });
    expect(engine.volumes().map((v) => v.Name)).toEqual(['cachedata']);
  });
});

describe('image pulls', () => {
  it('streams progress lines and leaves the image behind', async () => {
    const stream = await docker.pull('postgres:17.2');
    const events = await new Promise<{ status?: string }[]>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null, result: { status?: string }[]) => (error ? reject(error) : resolve(result))));
    expect(events[0]).toEqual({ status: 'Pulling from library/postgres', id: '17.2' });
    expect(events.at(-1)?.status).toBe('Status: Downloaded newer image for postgres:17.2');
    expect(fake.calls.find((c) => c.path === '/images/create')?.query).toEqual({ fromImage: 'postgres', tag: '17.2' });
    expect((await docker.getImage('postgres:17.2').inspect()).RepoTags).toEqual(['postgres:17.2']);
    const again = await docker.pull('postgres:17.2');
    const second = await new Promise<{ status?: string }[]>((resolve) => docker.modem.followProgress(again, (_e: Error | null, result: { status?: string }[]) => resolve(result)));
    expect(second.at(-1)?.status).toBe('Status: Image is up to date for postgres:17.2');
  });

  it('fails a pull the registry refuses with 404', async () => {
    engine.refusePull('nope:1.0');
    await expect(docker.pull('nope:1.0')).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('health simulation', () => {
  it('drives State.Health from the health check command: starting, then healthy or unhealthy', async () => {
    engine.simulateHealth({ intervalMs: 10 });
    let healthy = false;
    engine.onExec(({ purpose, cmd }) => (purpose === 'healthcheck' && cmd.join(' ').includes('pg_isready') && healthy ? { stdout: 'accepting connections\n' } : { exitCode: 1, stderr: 'no response\n' }));
    fake.seedImage({ repoTags: ['postgres:17.2'] });
    const container = await docker.createContainer({ name: 'db', Image: 'postgres:17.2', Healthcheck: { Test: ['CMD-SHELL', 'pg_isready -U app'], Retries: 2 } });
    await container.start();
    expect((await container.inspect()).State.Health?.Status).toBe('starting');
    await waitFor(async () => (await container.inspect()).State.Health?.Status === 'unhealthy', { message: 'unhealthy after 2 failures' });
    healthy = true;
    const state = await waitFor(async () => {
      const inspect = await container.inspect();
      return inspect.State.Health?.Status === 'healthy' ? inspect.State.Health : undefined;
    });
    expect(state.FailingStreak).toBe(0);
    expect(state.Log.at(-1)).toMatchObject({ ExitCode: 0, Output: 'accepting connections\n' });
  });
});
