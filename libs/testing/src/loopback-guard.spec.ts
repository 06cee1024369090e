import dgram from 'node:dgram';
import dns from 'node:dns';
import { lookup as esmLookup } from 'node:dns/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackGuardInstalled, isLoopbackHost, LoopbackOnlyError } from './loopback.js';

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, resolve);
  });
}

function connected(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
}

describe('loopback guard', () => {
  const server = net.createServer((socket) => socket.end());
  let port = 0;

  beforeAll(async () => {
    await listen(server, { host: '127.0.0.1', port: 0 });
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is installed by the shared setupFiles, before any test runs', () => {
    expect(isLoopbackGuardInstalled()).toBe(true);
  });

  it('blocks TCP to a private address', () => {
    expect(() => net.connect(80, '10.0.0.1')).toThrow('Test tried to reach 10.0.0.1:80 — tests may only contact loopback');
    expect(() => net.connect({ host: '10.0.0.1', port: 80 })).toThrow(LoopbackOnlyError);
    expect(() => new net.Socket().connect(80, '10.0.0.1')).toThrow(LoopbackOnlyError);
  });

  it('blocks TLS to a public hostname', () => {
    expect(() => tls.connect({ host: 'example.com', port: 443, servername: 'example.com' })).toThrow(
      'Test tried to reach example.com:443 — tests may only contact loopback',
    );
    expect(() => net.connect(443, 'example.com')).toThrow(LoopbackOnlyError);
  });

  it('blocks fetch to a remote host', async () => {
    await expect(fetch('http://10.0.0.1:8080/')).rejects.toSatisfy((error: Error) =>
      String((error.cause as Error | undefined)?.message ?? error.message).includes('tests may only contact loopback'),
    );
  });

  it('allows 127.0.0.1, localhost and ::1-style loopback', async () => {
    const viaIp = net.connect(port, '127.0.0.1');
    await connected(viaIp);
    viaIp.destroy();
    const viaOptions = net.connect({ host: '127.0.0.1', port });
    await connected(viaOptions);
    viaOptions.destroy();
  });

  it('allows unix sockets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'guard-'));
    const unix = net.createServer((socket) => socket.end());
    await listen(unix, { path: join(dir, 's.sock') });
    try {
      const socket = net.connect(join(dir, 's.sock'));
      await connected(socket);
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => unix.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('blocks UDP to a remote address but not to loopback', async () => {
    const socket = dgram.createSocket('udp4');
    try {
      expect(() => socket.send(Buffer.from('x'), 53, '10.0.0.1')).toThrow('Test tried to reach 10.0.0.1:53');
      expect(() => socket.send(Buffer.from('x'), 0, 1, 53, '8.8.8.8')).toThrow(LoopbackOnlyError);
      expect(() => socket.connect(53, '10.0.0.1')).toThrow(LoopbackOnlyError);
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from('x'), port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
      );
    } finally {
      socket.close();
    }
  });

  it('refuses to resolve non-local names, through every dns entry point', async () => {
    const viaCallback = await new Promise<Error | null>((resolve) => dns.lookup('example.com', (error) => resolve(error)));
    expect(viaCallback).toBeInstanceOf(LoopbackOnlyError);
    await expect(dns.promises.lookup('example.com')).rejects.toThrow(LoopbackOnlyError);
    await expect(esmLookup('example.com')).rejects.toThrow(LoopbackOnlyError);
    await expect(dns.promises.lookup('localhost')).resolves.toBeTruthy();
  });

  it('classifies hosts', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', '0.0.0.0']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['10.0.0.1', '192.168.1.1', '8.8.8.8', '::ffff:10.0.0.1', '2001:db8::1', 'example.com', 'db', 'localhost.example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
