import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate } from '../certs.js';
import { waitFor } from '../wait-for.js';
import { startDockerFake, type DockerFake } from './docker-fake.js';

/** The fake's events, health, ports, stats and TLS listener, driven through dockerode. */
describe('Docker fake: events, health, ports, stats, TLS', () => {
  let fake: DockerFake;
  let docker: Docker;

  beforeAll(async () => {
    fake = await startDockerFake({ statsIntervalMs: 50 });
    docker = new Docker({ socketPath: fake.socketPath });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('streams container events in Docker\'s shape, filtered by type and event (health_status by prefix)', async () => {
    const stream = await docker.getEvents({ filters: { type: ['container'], event: ['create', 'start', 'die', 'health_status', 'destroy'] } });
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) if (part) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    const seeded = fake.seedContainer({ name: 'probe', image: 'nginx:1.27', labels: { tier: 'web' }, healthcheck: { Test: ['CMD', 'true'] } });
    fake.setHealth('probe', 'unhealthy', 'boom');
    await docker.getContainer('probe').remove({ force: true });
    await waitFor(() => (lines.length >= 5 ? true : undefined), { timeoutMs: 2000, message: 'events' });
    (stream as unknown as { destroy(): void }).destroy();
    expect(lines.map((l) => l['Action'])).toEqual(['create', 'start', 'health_status: unhealthy', 'die', 'destroy']);
    const die = lines[3] ?? {};
    expect(die).toMatchObject({
      status: 'die',
      id: seeded.Id,
      from: 'nginx:1.27',
      Type: 'container',
      Action: 'die',
      Actor: { ID: seeded.Id, Attributes: { name: 'probe', image: 'nginx:1.27', tier: 'web', exitCode: '137' } },
      scope: 'local',
    });
    expect(die['timeNano']).toBeGreaterThan((die['time'] as number) * 1e9 - 1);
    expect(fake.events.map((e) => e.Action)).toContain('kill');
  });

  it('keeps State.Health, publishes ports on both address families and lists them, derives mounts', async () => {
    fake.seedContainer({
      name: 'site',
      image: 'nginx:1.27',
      healthcheck: { Test: ['CMD-SHELL', 'true'] },
      health: 'healthy',
      hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro', 'data:/data'] },
    });
    const info = await docker.getContainer('site').inspect();
    expect(info.State.Health).toEqual({ Status: 'healthy', FailingStreak: 0, Log: [] });
    expect(info.Config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(info.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
    expect(info.Mounts).toEqual([
      { Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
    ]);
    const [listed] = await docker.listContainers({ filters: { name: ['site'] } });
    expect(listed?.Status).toBe('Up Less than a second (healthy)');
    expect(listed?.Ports).toEqual([
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    ]);
  });

  it('answers stats with the real payload shape and ends streamed stats when the container stops', async () => {
    fake.seedContainer({ name: 'busy', image: 'alpine:3.20', stats: { cpuPercent: 40, memoryUsage: 1000, memoryInactiveFile: 100, blockReadBytes: 7, networkRxBytes: 30 } });
    const one = (await docker.getContainer('busy').stats({ stream: false })) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(one).sort()).toEqual(
      ['blkio_stats', 'cpu_stats', 'id', 'memory_stats', 'name', 'networks', 'num_procs', 'pids_stats', 'precpu_stats', 'preread', 'read', 'storage_stats'].sort(),
    );
    expect(one['memory_stats']).toMatchObject({ usage: 1000, stats: { inactive_file: 100 } });
    expect(one['blkio_stats']?.['io_service_bytes_recursive']).toEqual([
      { major: 254, minor: 0, op: 'read', value: 7 },
      { major: 254, minor: 0, op: 'write', value: 8192 },
    ]);
    expect(one['networks']).toEqual({ eth0: expect.objectContaining({ rx_bytes: 20 }), eth1: expect.objectContaining({ rx_bytes: 10 }) });
    const stream = await docker.getContainer('busy').stats({ stream: true });
    let samples = 0;
    stream.on('data', () => samples++);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await waitFor(() => (samples >= 2 ? true : undefined), { timeoutMs: 2000, message: 'two samples' });
    expect(fake.openStreams().stats).toBe(1);
    await docker.getContainer('busy').stop();
    await ended;
    expect(fake.openStreams().stats).toBe(0);
  });

  it('serves the same API over HTTPS, demanding a client certificate from its CA', async () => {
    const ca = await createTestCa();
    const server = await issueCertificate(ca, { commonName: '127.0.0.1' });
    const client = await issueCertificate(ca, { commonName: 'client', client: true });
    const tlsFake = await startDockerFake({ tls: { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true } });
    try {
      const url = new URL(tlsFake.httpUrl ?? '');
      expect(url.protocol).toBe('https:');
      const withCert = new Docker({ host: '127.0.0.1', port: Number(url.port), protocol: 'https', ca: ca.cert, cert: client.cert, key: client.key });
      expect(String(await withCert.ping())).toBe('OK');
      const without = new Docker({ host: '127.0.0.1', port: Number(url.port), protocol: 'https', ca: ca.cert });
      await expect(without.ping()).rejects.toBeDefined();
    } finally {
      await tlsFake.close();
    }
  });
});
