import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@homelab/config';
import { createTestCa, issueCertificate, startDockerFake, waitFor, type DockerFake } from '@homelab/testing';
import { createDockerFeature, type DockerFeature } from './docker-feature.js';
import type { DockerHostView } from './container-types.js';
import type { DockerHostsSettings } from './docker-hosts-config.js';
import { DockerHostUnavailableError } from './docker-errors.js';
import { makeDockerTls, missingSocket, startTlsDockerFake, type TestDockerTls } from './docker-fakes.test-helpers.js';

/**
 * Real: dockerode (docker-modem, node http/https/tls), the Docker Engine API
 * over a unix socket and over HTTPS with client certificates, TLS
 * verification. Fake: the engines (@homelab/testing's Docker fake).
 */
describe('Docker hosts: connecting over unix sockets, HTTPS with client certificates and plain HTTP', () => {
  let tls: TestDockerTls;
  let local: DockerFake;
  let nas: DockerFake;
  let proxy: DockerFake;
  let gone: { path: string; cleanup: () => Promise<void> };
  const features: DockerFeature[] = [];

  const settings = (hosts: string, extra: Partial<DockerHostsSettings> = {}): DockerHostsSettings => ({
    DOCKER_HOSTS: hosts,
    DOCKER_TLS_CA: tls.ca,
    DOCKER_TLS_CERT: tls.clientCert,
    DOCKER_TLS_KEY: tls.clientKey,
    DOCKER_TIMEOUT_MS: 1500,
    DOCKER_REFRESH_INTERVAL_MS: 60_000,
    ...extra,
  });
  const start = async (hosts: string, extra: Partial<DockerHostsSettings> = {}, startWaitMs = 3000): Promise<DockerFeature> => {
    const feature = createDockerFeature(settings(hosts, extra), { startWaitMs, eventBackoff: { initialDelayMs: 20, maxDelayMs: 200 } });
    features.push(feature);
    await feature.start();
    return feature;
  };
  const hostsOf = (feature: DockerFeature): Record<string, DockerHostView> =>
    Object.fromEntries((JSON.parse(feature.inventory.listJson()) as { hosts: DockerHostView[] }).hosts.map((h) => [h.name, h]));

  beforeAll(async () => {
    tls = await makeDockerTls();
    local = await startDockerFake();
    nas = await startTlsDockerFake(tls);
    proxy = await startDockerFake({ tcp: true });
    gone = await missingSocket();
    local.seedContainer({ name: 'web', image: 'nginx:1.27' });
    nas.seedContainer({ name: 'jellyfin', image: 'jellyfin/jellyfin:10.10.3' });
    proxy.seedContainer({ name: 'proxied', image: 'alpine:3.20', running: false });
  });
  afterEach(async () => {
    await Promise.all(features.splice(0).map((f) => f.stop()));
  });
  afterAll(async () => {
    await Promise.all([local?.close(), nas?.close(), proxy?.close(), gone?.cleanup()]);
  });

  it('lists unix, https (client certificate) and http hosts; a missing socket is down with a clear message while the others answer', async () => {
    const feature = await start(`local=unix://${local.socketPath},nas=${nas.httpUrl},proxy=${proxy.httpUrl},gone=unix://${gone.path}`);
    const hosts = hostsOf(feature);
    expect(hosts['local']).toMatchObject({ status: 'up', error: null, tls: false, engineVersion: '27.3.1', containers: { total: 1, running: 1 } });
    expect(hosts['nas']).toMatchObject({ status: 'up', tls: true, endpoint: nas.httpUrl, containers: { total: 1, running: 1 } });
    expect(hosts['proxy']).toMatchObject({ status: 'up', tls: false, containers: { total: 1, running: 0 } });
    expect(hosts['gone']).toMatchObject({ status: 'down', containers: { total: 0, running: 0 }, error: { code: 'DOCKER_SOCKET_MISSING' } });
    expect(hosts['gone']?.error?.message).toContain(gone.path);
    expect(hosts['gone']?.refreshedAt).not.toBeNull();
    const names = feature.inventory.containers().map((c) => `${c.host}/${c.name}`);
    expect(names.sort()).toEqual(['local/web', 'nas/jellyfin', 'proxy/proxied']);
    // the client certificate was really presented and checked
    expect(nas.calls.some((c) => c.path === '/containers/json' && c.status === 200)).toBe(true);
  });

  it('an action on a down host answers 503 DOCKER_HOST_UNAVAILABLE naming the reason', async () => {
    const feature = await start(`local=unix://${local.socketPath},gone=unix://${gone.path}`);
    const failure = await feature.actions.run('gone', 'web', 'restart').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DockerHostUnavailableError);
    expect((failure as DockerHostUnavailableError).toBody()).toMatchObject({ code: 'DOCKER_HOST_UNAVAILABLE', details: { host: 'gone', reason: 'DOCKER_SOCKET_MISSING' } });
    // and the other host still works
    await expect(feature.actions.run('local', 'web', 'restart')).resolves.toMatchObject({ name: 'web', state: 'running' });
  });

  it('explains TLS failures: an untrusted daemon certificate, a rejected client certificate, TLS spoken to a plain port', async () => {
    const otherCa = await createTestCa('Someone Else CA');
    const otherServer = await issueCertificate(otherCa, { commonName: '127.0.0.1', altNames: ['127.0.0.1'] });
    const untrusted = await startDockerFake({ tls: { cert: otherServer.cert, key: otherServer.key, ca: tls.ca, requestCert: true } });
    // the daemon trusts only other CA's clients
    const picky = await startDockerFake({ tls: { cert: tls.serverCert, key: tls.serverKey, ca: otherCa.cert, requestCert: true } });
    try {
      const plainPort = new URL(proxy.httpUrl ?? '').port;
      const feature = await start(`local=unix://${local.socketPath},untrusted=${untrusted.httpUrl},picky=${picky.httpUrl},plain=https://127.0.0.1:${plainPort}`);
      const hosts = hostsOf(feature);
      expect(hosts['local']?.status).toBe('up');
      expect(hosts['untrusted']?.error?.code).toBe('DOCKER_TLS_UNTRUSTED');
      expect(hosts['untrusted']?.error?.message).toContain('DOCKER_TLS_CA');
      // TLS 1.3 rejects a client certificate after the handshake: Node sees an alert or just a reset, depending on timing
      expect(['DOCKER_TLS_CLIENT_REJECTED', 'DOCKER_CONNECTION_RESET']).toContain(hosts['picky']?.error?.code);
      expect(hosts['picky']?.error?.message).toMatch(/client certificate/);
      expect(hosts['plain']?.error?.code).toBe('DOCKER_TLS_NOT_SPOKEN');
      expect(hosts['plain']?.error?.message).toContain('http://');
    } finally {
      await Promise.all([untrusted.close(), picky.close()]);
    }
  });

  it('refused TCP connections and hosts that never answer are down; neither slows the others', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const refusedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sockets: Socket[] = [];
    const blackHole: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    try {
      const began = Date.now();
      const feature = await start(
        `local=unix://${local.socketPath},refused=http://127.0.0.1:${refusedPort},silent=http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`,
        { DOCKER_TIMEOUT_MS: 1500 },
        300,
      );
      // start() waited only startWaitMs: the answering host is complete, the silent one still pending
      expect(Date.now() - began).toBeLessThan(1200);
      let hosts = hostsOf(feature);
      expect(hosts['local']).toMatchObject({ status: 'up', containers: { total: 1 } });
      expect(hosts['refused']?.error?.code).toBe('DOCKER_CONNECTION_REFUSED');
      expect(hosts['silent']?.error?.code).toBe('DOCKER_NOT_CHECKED');
      await waitFor(() => (hostsOf(feature)['silent']?.error?.code === 'DOCKER_TIMEOUT' ? true : undefined), { timeoutMs: 5000, message: 'silent host times out' });
      hosts = hostsOf(feature);
      expect(hosts['silent']?.error?.message).toContain('1500 ms');
      expect(hosts['local']?.status).toBe('up');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  it('notices a host that comes back without waiting for the poll (the event stream reconnects)', async () => {
    const later = await missingSocket();
    let revived: DockerFake | undefined;
    try {
      const feature = await start(`local=unix://${local.socketPath},later=unix://${later.path}`);
      expect(hostsOf(feature)['later']?.status).toBe('down');
      revived = await startDockerFake({ socketPath: later.path });
      revived.seedContainer({ name: 'back', image: 'alpine:3.20' });
      await waitFor(() => (hostsOf(feature)['later']?.status === 'up' ? true : undefined), { timeoutMs: 5000, message: 'host back up' });
      expect(feature.inventory.containers('later').map((c) => c.name)).toEqual(['back']);
    } finally {
      await revived?.close();
      await later.cleanup();
    }
  });

  it('refuses bad DOCKER_HOSTS and TLS settings at start-up with a ConfigError naming the variable', () => {
    const bad = (hosts: string, extra: Partial<DockerHostsSettings> = {}): string => {
      try {
        createDockerFeature(settings(hosts, extra));
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${hosts}`);
    };
    expect(bad('a=unix:///x,a=unix:///y')).toMatch(/DOCKER_HOSTS names the host "a" twice/);
    expect(bad('nas=https://nas.lan:2376', { DOCKER_TLS_KEY: undefined })).toMatch(/DOCKER_HOSTS uses https:\/\/ for "nas" but DOCKER_TLS_KEY is not set/);
    expect(bad('nas=https://nas.lan:2376', { DOCKER_TLS_KEY: tls.serverKey })).toMatch(/DOCKER_TLS_KEY does not belong to the certificate/);
    expect(bad('nas=https://nas.lan:2376', { DOCKER_TLS_CA: 'not a pem' })).toMatch(/DOCKER_TLS_CA is not valid PEM/);
    // the key is never echoed
    expect(bad('nas=https://nas.lan:2376', { DOCKER_TLS_KEY: tls.serverKey })).not.toContain('PRIVATE KEY');
  });

  it('ignores DOCKER_HOST and friends in the environment (DOCKER_HOSTS alone decides) and names a broken one', async () => {
    const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    process.env['DOCKER_HOST'] = 'tcp://127.0.0.1:1';
    process.env['DOCKER_TLS_VERIFY'] = '1';
    try {
      const feature = await start(`local=unix://${local.socketPath}`);
      expect(hostsOf(feature)['local']?.status).toBe('up');
      // a client a colleague takes from the registry works too
      const client: Docker = feature.registry.client('local');
      expect((await client.listContainers()).map((c) => c.Names[0])).toEqual(['/web']);
      process.env['DOCKER_CERT_PATH'] = '/nonexistent';
      expect(() => createDockerFeature(settings(`local=unix://${local.socketPath}`))).toThrow(/DOCKER_CERT_PATH is set in the environment and broken/);
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
