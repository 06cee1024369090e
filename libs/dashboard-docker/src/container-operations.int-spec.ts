import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerFake, waitFor, type DockerFake } from '@homelab/testing';
import { createDockerFeature, type DockerFeature } from './docker-feature.js';
import type { ContainerView } from './container-types.js';
import { ConfirmationRequiredError, ContainerNotFoundError, ContainerRefInvalidError, DockerHostUnknownError } from './docker-errors.js';
import type { LogLine } from './log-parser.js';
import { makeDockerTls, startTlsDockerFake, type TestDockerTls } from './docker-fakes.test-helpers.js';

const SECOND_NS = 1_000_000_000;

/**
 * Real: dockerode, the Engine API's list/inspect/events/stats/logs/actions
 * over a unix socket and HTTPS with a client certificate. Fake: the engines.
 * The poll interval is a minute, so whatever changes in the list within a
 * test came through the event stream.
 */
describe('containers on two Docker hosts: events, stats, actions, logs, analysis', () => {
  let tls: TestDockerTls;
  let local: DockerFake;
  let nas: DockerFake;
  let feature: DockerFeature;
  let localDocker: Docker;

  const listed = (): { containers: ContainerView[] } => JSON.parse(feature.inventory.listJson()) as { containers: ContainerView[] };
  const find = (host: string, name: string): ContainerView | undefined => listed().containers.find((c) => c.host === host && c.name === name);
  const eventually = <T>(probe: () => T | undefined, message: string): Promise<T> => waitFor(() => probe(), { timeoutMs: 5000, intervalMs: 20, message });
  const listCalls = (fake: DockerFake): number => fake.calls.filter((c) => c.path === '/containers/json').length;

  beforeAll(async () => {
    tls = await makeDockerTls();
    local = await startDockerFake({ statsIntervalMs: 100 });
    nas = await startTlsDockerFake(tls, { statsIntervalMs: 100 });
    local.seedContainer({
      name: 'web',
      image: 'nginx:1.27',
      labels: { 'com.docker.compose.project': 'site', 'com.docker.compose.service': 'web' },
      hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Memory: 268_435_456, NanoCpus: 1_000_000_000 },
      healthcheck: { Test: ['CMD-SHELL', 'wget -q --spider http://127.0.0.1/'], Interval: 30 * SECOND_NS, Retries: 3 },
      health: 'healthy',
      user: '101',
      stats: { cpuPercent: 12.5, memoryUsage: 52_428_800, memoryInactiveFile: 2_097_152, memoryLimit: 268_435_456, networkRxBytes: 9000, networkTxBytes: 3000, blockReadBytes: 4096, blockWriteBytes: 12_288, pids: 7 },
      env: ['NGINX_HOST=example.org', 'API_TOKEN=s3cr3t-value'],
      logs: [
        { stream: 'stdout', line: 'ready', time: '2026-12-01T10:00:00.000000001Z' },
        { stream: 'stderr', line: 'warn: slow', time: '2026-12-01T10:00:01.000000002Z' },
      ],
    });
    local.seedContainer({ name: 'db', image: 'postgres:17', running: false, env: ['POSTGRES_PASSWORD=hunter2'] });
    nas.seedContainer({
      name: 'jellyfin',
      image: 'jellyfin/jellyfin',
      hostConfig: { PortBindings: { '8096/tcp': [{ HostIp: '0.0.0.0', HostPort: '8096' }] }, Binds: ['/var/run/docker.sock:/var/run/docker.sock'] },
      tty: true,
      logs: [{ stream: 'stdout', line: 'tty line' }],
    });
    localDocker = new Docker({ socketPath: local.socketPath });
    feature = createDockerFeature(
      {
        DOCKER_HOSTS: `local=unix://${local.socketPath},nas=${nas.httpUrl}`,
        DOCKER_TLS_CA: tls.ca,
        DOCKER_TLS_CERT: tls.clientCert,
        DOCKER_TLS_KEY: tls.clientKey,
        DOCKER_TIMEOUT_MS: 2000,
        DOCKER_REFRESH_INTERVAL_MS: 60_000,
      },
      { eventDebounceMs: 10, statsReopenDelayMs: 100, eventBackoff: { initialDelayMs: 10, maxDelayMs: 100 } },
    );
    await feature.start();
  });
  afterAll(async () => {
    await feature?.stop();
    await Promise.all([local?.close(), nas?.close()]);
  });

  it('lists containers with state, health, image, ports and compose project', () => {
    expect(find('local', 'web')).toMatchObject({
      shortId: expect.stringMatching(/^[0-9a-f]{12}$/) as string,
      image: 'nginx:1.27',
      imageId: expect.stringMatching(/^sha256:/) as string,
      state: 'running',
      status: 'Up Less than a second (healthy)',
      health: 'healthy',
      ports: [{ privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' }],
      composeProject: 'site',
    });
    expect(find('local', 'db')).toMatchObject({ state: 'created', health: 'none', ports: [], cpuPercent: null, statsAt: null });
    expect(find('nas', 'jellyfin')).toMatchObject({ host: 'nas', image: 'jellyfin/jellyfin', health: 'none' });
  });

  it('merges streamed stats into the list, computed as docker stats does', async () => {
    const web = await eventually(() => {
      const view = find('local', 'web');
      return view?.cpuPercent !== null ? view : undefined;
    }, 'stats merged');
    // the fake's samples: cpu delta = 12.5 % of the system delta / 2 CPUs → 12.5 %; memory = usage − inactive_file
    expect(web).toMatchObject({ cpuPercent: 12.5, memoryBytes: 52_428_800 - 2_097_152, memoryLimitBytes: 268_435_456 });
    expect(Date.parse(web.statsAt ?? '')).toBeGreaterThan(Date.now() - 5000);
    expect(feature.collector.openStreams('local')).toBe(1);
    expect(feature.collector.openStreams('nas')).toBe(1);
    const one = await feature.stats.get('local', 'web');
    expect(one).toMatchObject({ cpuPercent: 12.5, memoryBytes: 50_331_648, networkRxBytes: 9000, networkTxBytes: 3000, blockReadBytes: 4096, blockWriteBytes: 12_288, pids: 7 });
  });

  it('updates the cache from Docker events, without waiting for the poll', async () => {
    const before = listCalls(local);
    const created = await localDocker.createContainer({ name: 'worker', Image: 'alpine:3.20' }).catch(async () => {
      local.seedImage({ repoTags: ['alpine:3.20'] });
      return localDocker.createContainer({ name: 'worker', Image: 'alpine:3.20' });
    });
    await eventually(() => find('local', 'worker'), 'created container listed');
    await created.start();
    await eventually(() => (find('local', 'worker')?.state === 'running' ? true : undefined), 'started container running');
    await eventually(() => (feature.collector.openStreams('local') === 2 ? true : undefined), 'stats stream opened for it');
    local.setHealth('web', 'unhealthy', 'connection refused');
    await eventually(() => (find('local', 'web')?.health === 'unhealthy' ? true : undefined), 'health event applied');
    await created.remove({ force: true });
    await eventually(() => (find('local', 'worker') ? undefined : true), 'removed container gone');
    await eventually(() => (feature.collector.openStreams('local') === 1 ? true : undefined), 'its stats stream closed');
    expect(listCalls(local)).toBeGreaterThan(before);
    local.setHealth('web', 'healthy');
  });

  it('reconnects the event stream when it drops and catches up', async () => {
    const eventCalls = (): number => local.calls.filter((c) => c.path === '/events').length;
    const opened = eventCalls();
    expect(local.dropEventStreams()).toBe(1);
    await eventually(() => (eventCalls() > opened ? true : undefined), 'event stream reopened');
    await localDocker.getContainer('db').start();
    await eventually(() => (find('local', 'db')?.state === 'running' ? true : undefined), 'event after the reconnect applied');
    await localDocker.getContainer('db').stop();
    await eventually(() => (find('local', 'db')?.state === 'exited' ? true : undefined), 'db stopped');
  });

  it('start, stop and restart answer the refreshed container, over the unix socket and over HTTPS', async () => {
    await expect(feature.actions.run('local', 'db', 'start')).resolves.toMatchObject({ name: 'db', state: 'running' });
    await expect(feature.actions.run('local', 'db', 'start')).resolves.toMatchObject({ state: 'running' });
    await expect(feature.actions.run('local', 'db', 'stop')).resolves.toMatchObject({ state: 'exited' });
    const jellyfin = find('nas', 'jellyfin');
    await expect(feature.actions.run('nas', jellyfin?.shortId ?? '', 'restart')).resolves.toMatchObject({ name: 'jellyfin', state: 'running' });
    expect(nas.events.slice(-5).map((e) => e.Action)).toEqual(['kill', 'die', 'stop', 'start', 'restart']);
  });

  it('answers 404 CONTAINER_NOT_FOUND for a container removed behind the dashboard\'s back (no event seen) and drops it', async () => {
    local.seedContainer({ name: 'ghost', image: 'alpine:3.20' });
    await eventually(() => find('local', 'ghost'), 'ghost listed');
    local.removeContainer('ghost', { silent: true });
    expect(find('local', 'ghost')).toBeDefined();
    const failure = await feature.actions.run('local', 'ghost', 'restart').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContainerNotFoundError);
    expect((failure as ContainerNotFoundError).toBody()).toMatchObject({ code: 'CONTAINER_NOT_FOUND', details: { host: 'local', container: 'ghost' } });
    expect(find('local', 'ghost')).toBeUndefined();
  });

  it('checks references before they reach a Docker URL, and hosts by name', async () => {
    const before = local.calls.length;
    for (const ref of ['../images/nginx', 'web/../../x', 'a b', '', '-rf']) {
      await expect(feature.actions.run('local', ref, 'stop')).rejects.toBeInstanceOf(ContainerRefInvalidError);
    }
    expect(local.calls.slice(before).filter((c) => !['/events', '/containers/json', '/version'].includes(c.path))).toEqual([]);
    await expect(feature.actions.run('mars', 'web', 'stop')).rejects.toBeInstanceOf(DockerHostUnknownError);
    expect(() => feature.inventory.listJson('mars')).toThrow(DockerHostUnknownError);
  });

  it('removes only with the container\'s name as confirmation', async () => {
    local.seedContainer({ name: 'scratch', image: 'alpine:3.20' });
    await eventually(() => find('local', 'scratch'), 'scratch listed');
    const refused = await feature.actions.remove('local', 'scratch', { confirm: 'scratc' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfirmationRequiredError);
    expect((refused as ConfirmationRequiredError).toBody()).toMatchObject({ code: 'CONFIRMATION_REQUIRED', details: { expected: 'scratch' } });
    // running, not forced: Docker's conflict comes through
    await expect(feature.actions.remove('local', 'scratch', { confirm: 'scratch' })).rejects.toMatchObject({ code: 'CONTAINER_CONFLICT' });
    await feature.actions.remove('local', 'scratch', { confirm: 'scratch', force: true });
    expect(find('local', 'scratch')).toBeUndefined();
    expect(local.inspect('scratch')).toBeUndefined();
  });

  it('streams logs: the tail, then new lines as they come, demultiplexed with timestamps; ends when the container stops', async () => {
    local.seedContainer({ name: 'chatty', image: 'alpine:3.20', logs: [{ stream: 'stdout', line: 'one', time: '2026-12-01T10:00:00.5Z' }] });
    const lines: LogLine[] = [];
    const session = await feature.logs.open('local', 'chatty', { tail: 10, follow: true, timestamps: true }, (batch) => lines.push(...batch));
    await eventually(() => (lines.length === 1 ? true : undefined), 'tail delivered');
    expect(lines[0]).toEqual({ stream: 'stdout', line: 'one', time: '2026-12-01T10:00:00.5Z' });
    local.appendLogs('chatty', [
      { stream: 'stdout', line: 'two' },
      { stream: 'stderr', line: 'oops: ünïcödé' },
    ]);
    await eventually(() => (lines.length === 3 ? true : undefined), 'followed lines delivered');
    expect(lines.slice(1).map((l) => [l.stream, l.line])).toEqual([
      ['stdout', 'two'],
      ['stderr', 'oops: ünïcödé'],
    ]);
    expect(lines[2]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    await localDocker.getContainer('chatty').stop();
    await expect(session.done).resolves.toBeUndefined();
  });

  it('stops the Docker log stream when the reader goes away; reads TTY logs raw; tails without following', async () => {
    local.seedContainer({ name: 'quiet', image: 'alpine:3.20' });
    const session = await feature.logs.open('local', 'quiet', { tail: 0, follow: true, timestamps: false }, () => undefined);
    await eventually(() => (local.openStreams().logs === 1 ? true : undefined), 'Docker log stream open');
    session.close();
    await expect(session.done).resolves.toBeUndefined();
    await eventually(() => (local.openStreams().logs === 0 ? true : undefined), 'Docker log stream closed');
    const tty: LogLine[] = [];
    await feature.logs.open('nas', 'jellyfin', { tail: 'all', follow: false, timestamps: false }, (batch) => tty.push(...batch));
    expect(tty).toEqual([{ stream: 'stdout', line: 'tty line', time: null }]);
    const tail: LogLine[] = [];
    const done = await feature.logs.open('local', 'web', { tail: 1, follow: false, timestamps: true }, (batch) => tail.push(...batch));
    await done.done;
    expect(tail).toEqual([{ stream: 'stderr', line: 'warn: slow', time: '2026-12-01T10:00:01.000000002Z' }]);
    await expect(feature.logs.open('local', 'nobody', { tail: 1, follow: true, timestamps: false }, () => undefined)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('details a container: masked environment, user, health check, limits, findings', async () => {
    const detail = await feature.inspector.detail('local', 'web');
    expect(detail).toMatchObject({ name: 'web', host: 'local', state: 'running' });
    expect(detail.inspect.env).toEqual(expect.arrayContaining(['NGINX_HOST=******', 'API_TOKEN=******']));
    expect(JSON.stringify(detail)).not.toContain('s3cr3t-value');
    expect(detail.inspect).toMatchObject({
      user: '101',
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      healthcheck: { test: ['CMD-SHELL', 'wget -q --spider http://127.0.0.1/'], intervalMs: 30_000, retries: 3 },
      resources: { memoryLimitBytes: 268_435_456, cpus: 1 },
    });
    expect(detail.findings.map((f) => f.rule)).toEqual(['plain-http-port']);
  });

  it('analyses every host: one finding per broken rule, with the fix', async () => {
    const report = await feature.inspector.analysis();
    const rules = (host: string, name: string): string[] =>
      report.findings
        .filter((f) => f.host === host && f.containerName === name)
        .map((f) => f.rule)
        .sort();
    expect(rules('nas', 'jellyfin')).toEqual(['docker-socket-mounted', 'latest-tag', 'no-healthcheck', 'no-resource-limits', 'plain-http-port', 'runs-as-root']);
    expect(rules('local', 'web')).toEqual(['plain-http-port']);
    expect(report.findings[0]?.severity).toBe('critical');
    const socket = report.findings.find((f) => f.rule === 'docker-socket-mounted');
    expect(socket?.fix).toContain('tecnativa/docker-socket-proxy');
    const inspectsBefore = local.calls.filter((c) => /^\/containers\/[^/]+\/json$/.test(c.path)).length;
    await feature.inspector.analysis('local');
    // unchanged containers are judged from the cache
    expect(local.calls.filter((c) => /^\/containers\/[^/]+\/json$/.test(c.path)).length).toBe(inspectsBefore);
  });

  it('closes every event and stats stream on the engines when stopped', async () => {
    // one stats stream per running container (web and quiet here), one event stream per host
    expect(local.openStreams()).toMatchObject({ events: 1, stats: 2 });
    expect(feature.collector.openStreams('local')).toBe(2);
    expect(nas.openStreams()).toMatchObject({ events: 1, stats: 1 });
    await feature.stop();
    await eventually(() => (local.openStreams().events + local.openStreams().stats + nas.openStreams().events + nas.openStreams().stats === 0 ? true : undefined), 'streams closed');
  });
});
