import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerDetailView, ContainerStats, ContainerView, DockerHostView, Finding } from '@homelab/dashboard-docker';
import { startDockerFake, waitFor, type DockerFake } from '@homelab/testing';
import { HARNESS_VIEWER, startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// The whole dashboard in-process with DOCKER_HOSTS naming a Docker fake on a unix socket and a socket that does not exist.

interface ListAnswer {
  containers: ContainerView[];
  hosts: DockerHostView[];
  generatedAt: string;
}

describe('containers API (dashboard in-process, Docker fake)', () => {
  let engine: DockerFake;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;
  let docker: Docker;

  beforeAll(async () => {
    engine = await startDockerFake();
    engine.seedContainer({
      name: 'web',
      image: 'nginx:latest',
      hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
      logs: [{ stream: 'stdout', line: 'booted' }],
    });
    engine.seedContainer({ name: 'scratch', image: 'alpine:3.20', running: false });
    docker = new Docker({ socketPath: engine.socketPath });
    dash = await startDashboard({ env: { DOCKER_HOSTS: `local=unix://${engine.socketPath},nas=unix://${engine.socketPath}.missing` } });
    admin = await dash.as('admin');
    viewer = await dash.as('viewer');
  });
  afterAll(async () => {
    await dash?.close();
    await engine?.close();
  });

  it('lists the containers from the cache, reports the missing host as down, and refuses anonymous callers', async () => {
    const response = await viewer.get('/api/containers');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = response.json<ListAnswer>();
    expect(body.containers.map((c) => `${c.host}/${c.name}/${c.state}`).sort()).toEqual(['local/scratch/created', 'local/web/running']);
    expect(body.hosts).toEqual([
      expect.objectContaining({ name: 'local', status: 'up', error: null, containers: { total: 2, running: 1 } }),
      expect.objectContaining({ name: 'nas', status: 'down', error: expect.objectContaining({ code: 'DOCKER_SOCKET_MISSING' }) as unknown }),
    ]);
    expect(Date.parse(body.generatedAt)).toBeGreaterThan(Date.now() - 10_000);
    const listsBefore = engine.calls.filter((c) => c.path === '/containers/json').length;
    for (let i = 0; i < 20; i++) expect((await viewer.get('/api/containers?host=local')).status).toBe(200);
    expect(engine.calls.filter((c) => c.path === '/containers/json').length).toBe(listsBefore);
    expect((await viewer.get('/api/containers?host=mars')).json()).toMatchObject({ error: { code: 'DOCKER_HOST_UNKNOWN' } });
    expect((await viewer.get('/api/docker/hosts')).json<{ hosts: DockerHostView[] }>().hosts.map((h) => h.status)).toEqual(['up', 'down']);
    expect((await (await dash.as('anonymous')).get('/api/containers')).status).toBe(401);
    // the overview's container counts come from the same inventory
    expect((await viewer.get('/api/overview')).json()).toMatchObject({ containers: { running: 1, total: 2, hostsDown: 1 } });
  });

  it('restarts as admin only; a vanished container is 404, an unknown host 404, a down host 503', async () => {
    expect((await viewer.post('/api/containers/local/web/restart')).status).toBe(403);
    const restarted = await admin.post('/api/containers/local/web/restart');
    expect(restarted.status).toBe(200);
    expect(restarted.json<{ container: ContainerView }>().container).toMatchObject({ host: 'local', name: 'web', state: 'running' });
    engine.seedContainer({ name: 'ghost', image: 'alpine:3.20' });
    await waitFor(async () => ((await viewer.get('/api/containers')).text.includes('"ghost"') ? true : undefined), { timeoutMs: 5000, message: 'ghost listed' });
    engine.removeContainer('ghost', { silent: true });
    const vanished = await admin.post('/api/containers/local/ghost/restart');
    expect(vanished.status).toBe(404);
    expect(vanished.json()).toMatchObject({ error: { code: 'CONTAINER_NOT_FOUND', message: expect.stringContaining('ghost') as unknown } });
    expect((await admin.post('/api/containers/mars/web/stop')).json()).toMatchObject({ error: { code: 'DOCKER_HOST_UNKNOWN' } });
    const down = await admin.post('/api/containers/nas/web/stop');
    expect(down.status).toBe(503);
    expect(down.json()).toMatchObject({ error: { code: 'DOCKER_HOST_UNAVAILABLE', details: { host: 'nas', reason: 'DOCKER_SOCKET_MISSING' } } });
    expect((await admin.post('/api/containers/local/..%2Fimages/stop')).status).toBe(400);
  });

  it('removes only with the container\'s name as confirmation', async () => {
    const refused = await admin.delete('/api/containers/local/scratch', {});
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'CONFIRMATION_REQUIRED', details: { expected: 'scratch' } } });
    expect((await admin.delete('/api/containers/local/scratch', { confirm: 'scratch', force: 'yes' })).status).toBe(400);
    expect((await admin.delete('/api/containers/local/scratch', { confirm: 'scratch' })).status).toBe(204);
    expect(engine.inspect('scratch')).toBeUndefined();
    expect((await viewer.get('/api/containers')).json<ListAnswer>().containers.map((c) => c.name)).not.toContain('scratch');
  });

  it('details, analyses and measures a container', async () => {
    const detail = await viewer.get('/api/containers/local/web');
    expect(detail.status).toBe(200);
    const view = detail.json<ContainerDetailView>();
    expect(view).toMatchObject({ name: 'web', inspect: { user: 'root', restartPolicy: { name: 'no' } } });
    expect(view.findings.map((f) => f.rule).sort()).toEqual(['latest-tag', 'no-healthcheck', 'no-resource-limits', 'plain-http-port', 'runs-as-root']);
    const analysis = await viewer.get('/api/containers/analysis');
    expect(analysis.json<{ findings: Finding[] }>().findings.filter((f) => f.containerName === 'web')).toHaveLength(5);
    const stats = await viewer.get('/api/containers/local/web/stats');
    expect(stats.status).toBe(200);
    expect(stats.json<ContainerStats>()).toMatchObject({ cpuPercent: 0.5, pids: 3 });
    expect((await viewer.get('/api/containers/local/nobody/stats')).json()).toMatchObject({ error: { code: 'CONTAINER_NOT_FOUND' } });
  });

  it('streams logs as server-sent events until the container stops', async () => {
    const login = await fetch(`${dash.url}/api/auth/login`, { method: 'POST', headers: { origin: dash.url, 'content-type': 'application/json' }, body: JSON.stringify(HARNESS_VIEWER) });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const missing = await fetch(`${dash.url}/api/containers/local/nobody/logs`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    const response = await fetch(`${dash.url}/api/containers/local/web/logs?tail=5&follow=true&timestamps=true`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames: { event: string; data: Record<string, unknown> }[] = [];
    const reading = (async () => {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const match = /^event: (\w+)\ndata: (.*)$/m.exec(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (match) frames.push({ event: match[1] as string, data: JSON.parse(match[2] as string) as Record<string, unknown> });
        }
      }
    })();
    await waitFor(() => (frames.length >= 1 ? true : undefined), { timeoutMs: 5000, message: 'tail' });
    engine.appendLogs('web', [{ stream: 'stderr', line: 'later' }]);
    await waitFor(() => (frames.length >= 2 ? true : undefined), { timeoutMs: 5000, message: 'followed line' });
    await docker.getContainer('web').stop();
    await reading;
    expect(frames.map((f) => f.event)).toEqual(['log', 'log', 'end']);
    expect(frames[0]?.data).toMatchObject({ stream: 'stdout', line: 'booted', time: expect.stringMatching(/^\d{4}-/) as unknown });
    expect(frames[1]?.data).toMatchObject({ stream: 'stderr', line: 'later' });
  });
});
