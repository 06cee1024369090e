import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, freePort, issueCertificate, startDockerFake, type DockerFake } from '@homelab/testing';
import type { HttpCheckSpec } from '../catalog/catalog-entry.js';
import { fakeRegistry } from '../testing/docker-registry.test-helpers.js';
import { runCheck, type CheckDependencies } from './run-check.js';

// Real: HTTP, HTTPS (a test CA the process does not trust) and TCP servers on
// 127.0.0.1; dockerode against the Docker fake on a unix socket.
const port = (server: Server | TcpServer): number => (server.address() as AddressInfo).port;
const listen = <S extends Server | TcpServer>(server: S): Promise<S> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const close = (server: Server | TcpServer | undefined): Promise<void> => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
const http = (url: string, over: Partial<HttpCheckSpec> = {}): HttpCheckSpec => ({ kind: 'http', url, expectStatus: [], expectText: null, verifyTls: true, ...over });

describe('health checks', () => {
  let web: Server;
  let tls: Server;
  let tcp: TcpServer;
  let docker: DockerFake;
  let deps: CheckDependencies;

  beforeAll(async () => {
    web = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
        if (req.url === '/missing') return void res.writeHead(404).end('not here');
        if (req.url === '/login') return void res.writeHead(302, { location: '/' }).end();
        res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Plex Media Server</title>');
      }),
    );
    const ca = await createTestCa();
    const cert = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
    tls = await listen(createHttpsServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('nas')));
    tcp = await listen(createTcpServer((socket) => socket.end()));
    docker = await startDockerFake();
    deps = { docker: () => fakeRegistry(docker), timeoutMs: 500 };
  });

  afterAll(async () => {
    await Promise.all([close(web), close(tls), close(tcp), docker?.close()]);
  });

  it('HTTP: status and expected text decide, with the response time', async () => {
    const base = `http://127.0.0.1:${port(web)}`;
    const up = await runCheck(http(`${base}/`, { expectText: 'Plex Media Server' }), deps);
    expect(up).toMatchObject({ status: 'up', error: null });
    expect(up.responseMs).toBeGreaterThanOrEqual(0);
    expect(await runCheck(http(`${base}/`, { expectText: 'Jellyfin' }), deps)).toMatchObject({
      status: 'down',
      error: 'the page does not contain the expected text "Jellyfin"',
    });
    expect(await runCheck(http(`${base}/missing`), deps)).toMatchObject({ status: 'down', error: 'HTTP 404, expected 2xx or 3xx' });
    expect(await runCheck(http(`${base}/missing`, { expectStatus: [404] }), deps)).toMatchObject({ status: 'up' });
    expect(await runCheck(http(`${base}/login`), deps)).toMatchObject({ status: 'up' });
    expect(await runCheck(http(`${base}/login`, { expectStatus: [200] }), deps)).toMatchObject({ status: 'down', error: 'HTTP 302, expected 200' });
  });

  it('HTTP: a timeout and a refused connection are down with the reason', async () => {
    const slow = await runCheck(http(`http://127.0.0.1:${port(web)}/slow`), deps);
    expect(slow).toEqual({ status: 'down', responseMs: null, error: 'no answer within 500 ms' });
    const closedPort = await freePort();
    const refused = await runCheck(http(`http://127.0.0.1:${closedPort}/`), deps);
    expect(refused.status).toBe('down');
    expect(refused.error).toContain('ECONNREFUSED');
  });

  it('HTTPS: an untrusted certificate is down unless the entry opts out, which is degraded', async () => {
    const url = `https://127.0.0.1:${port(tls)}/`;
    const verified = await runCheck(http(url), deps);
    expect(verified.status).toBe('down');
    expect(verified.error).toMatch(/^TLS certificate not trusted \(\w+\); fix the certificate, or set verifyTls: false/);
    expect(await runCheck(http(url, { verifyTls: false }), deps)).toMatchObject({
      status: 'degraded',
      error: 'TLS certificate not verified (verifyTls: false)',
      accepted: true,
    });
  });

  it('TCP: up when the port accepts, down when refused', async () => {
    expect(await runCheck({ kind: 'tcp', host: '127.0.0.1', port: port(tcp) }, deps)).toMatchObject({ status: 'up', error: null });
    const refused = await runCheck({ kind: 'tcp', host: '127.0.0.1', port: await freePort() }, deps);
    expect(refused).toMatchObject({ status: 'down', responseMs: null });
    expect(refused.error).toContain('ECONNREFUSED');
  });

  it('container: running and healthy or without a health check is up; starting degraded; unhealthy, stopped, missing down', async () => {
    const healthcheck = { Test: ['CMD', 'true'] };
    docker.seedContainer({ name: 'n8n', image: 'n8nio/n8n:1', healthcheck, health: 'healthy' });
    docker.seedContainer({ name: 'plain', image: 'nginx:1.27' });
    docker.seedContainer({ name: 'booting', image: 'nginx:1.27', healthcheck, health: 'starting' });
    docker.seedContainer({ name: 'sick', image: 'nginx:1.27', healthcheck, health: 'healthy' });
    docker.setHealth('sick', 'unhealthy', 'curl: (7) Failed to connect');
    docker.seedContainer({ name: 'stopped', image: 'nginx:1.27', running: false });
    const check = (container: string, host: string | null = 'local') => runCheck({ kind: 'container', container, host }, deps);
    expect(await check('n8n')).toMatchObject({ status: 'up', error: null });
    expect(await check('plain', null)).toMatchObject({ status: 'up' });
    expect(await check('booting')).toMatchObject({ status: 'degraded', error: 'health check starting' });
    expect(await check('sick')).toMatchObject({ status: 'down', error: 'unhealthy: curl: (7) Failed to connect' });
    expect((await check('stopped')).status).toBe('down');
    expect(await check('ghost')).toMatchObject({ status: 'down', error: 'no container named "ghost" on Docker host local' });
    expect(await check('n8n', 'nas')).toMatchObject({ status: 'down', error: 'Unknown Docker host "nas" (configured Docker hosts: local)' });
    expect(await runCheck({ kind: 'container', container: 'n8n', host: null }, { ...deps, docker: () => undefined })).toMatchObject({
      status: 'down',
      error: expect.stringContaining('no Docker hosts'),
    });
    docker.failNext({ path: /^\/containers\/n8n\/json/, status: 500, message: 'daemon busy' });
    expect(await check('n8n')).toMatchObject({ status: 'down', error: expect.stringContaining('Docker host local:') });
  });
});
