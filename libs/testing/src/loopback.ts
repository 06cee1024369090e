import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * Tests may only talk to this machine. The guard patches the Node APIs every
 * client library ends up in (net.Socket#connect — also used by tls, http, pg
 * and nats — dgram, and dns.lookup) so that reaching anything else throws at
 * the call site instead of silently depending on, or leaking to, the network.
 */

const INSTALLED = Symbol.for('@homelab/testing/loopback-guard');

type Installable = Record<symbol, boolean | undefined>;

/** Hostname literals allowed besides loopback addresses. Any other name is treated as remote. */
const LOCAL_NAMES = new Set(['localhost', 'localhost.']);

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
// the unspecified address can only ever reach this machine
loopback.addAddress('0.0.0.0', 'ipv4');
loopback.addAddress('::', 'ipv6');

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (LOCAL_NAMES.has(bare)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped) return loopback.check(mapped, 'ipv4');
  const family = net.isIP(bare);
  if (family === 4) return loopback.check(bare, 'ipv4');
  if (family === 6) return loopback.check(bare, 'ipv6');
  return false;
}

export class LoopbackOnlyError extends Error {
  readonly code = 'ELOOPBACKONLY';
  constructor(host: string, port: number | string | undefined) {
    super(`Test tried to reach ${host}:${port ?? '?'} — tests may only contact loopback`);
    this.name = 'LoopbackOnlyError';
  }
}

function assertLoopback(host: string, port: number | string | undefined): void {
  if (!isLoopbackHost(host)) throw new LoopbackOnlyError(host, port);
}

interface ConnectTarget {
  host?: string;
  port?: number | string;
  /** unix socket / named pipe */
  path?: string;
}

/** Reads the target out of any of net.Socket#connect's call shapes. */
function connectTarget(args: unknown[]): ConnectTarget {
  // net.connect() hands over its already-normalised [options, callback] array
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) return first as ConnectTarget;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first as number | string, host: typeof args[1] === 'string' ? args[1] : undefined };
}

function guardSocketConnect(): void {
  const original = net.Socket.prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = connectTarget(args);
    if (!target.path) assertLoopback(target.host ?? 'localhost', target.port);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as typeof original;
}

function guardDgram(): void {
  const proto = dgram.Socket.prototype;
  const originalSend = proto.send;
  const originalConnect = proto.connect;
  const defaultHost = 'localhost';

  // send(msg, [offset, length,] port, [address], [callback]) — same disambiguation as Node's own
  proto.send = function (this: dgram.Socket, ...args: unknown[]) {
    const [, offset, length, port, address] = args;
    const long = (typeof port === 'number' || typeof port === 'string') || typeof address === 'string';
    const targetPort = long ? port : offset;
    const targetHost = long ? address : length;
    if (typeof targetPort === 'number' || typeof targetPort === 'string') {
      assertLoopback(typeof targetHost === 'string' ? targetHost : defaultHost, targetPort);
    }
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof originalSend;

  proto.connect = function (this: dgram.Socket, ...args: unknown[]) {
    const [port, address] = args;
    assertLoopback(typeof address === 'string' ? address : defaultHost, port as number);
    return (originalConnect as (...a: unknown[]) => void).apply(this, args);
  } as typeof originalConnect;
}

/** Name resolution itself may query a remote DNS server, so non-local names are refused before that. */
function guardDnsLookup(): void {
  const originalLookup = dns.lookup;
  dns.lookup = function (hostname: string, ...rest: unknown[]) {
    if (typeof hostname === 'string' && hostname !== '' && !net.isIP(hostname) && !isLoopbackHost(hostname)) {
      const callback = rest[rest.length - 1];
      const error = new LoopbackOnlyError(hostname, undefined);
      if (typeof callback === 'function') {
        process.nextTick(() => (callback as (e: Error) => void)(error));
        return;
      }
      throw error;
    }
    return (originalLookup as (...a: unknown[]) => void).call(dns, hostname, ...rest);
  } as typeof originalLookup;

  const originalPromiseLookup = dns.promises.lookup;
  dns.promises.lookup = async function (hostname: string, ...rest: unknown[]) {
    if (typeof hostname === 'string' && hostname !== '' && !net.isIP(hostname) && !isLoopbackHost(hostname)) {
      throw new LoopbackOnlyError(hostname, undefined);
    }
    return (originalPromiseLookup as (...a: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
  } as typeof originalPromiseLookup;
}

export function isLoopbackGuardInstalled(): boolean {
  return (globalThis as Installable)[INSTALLED] === true;
}

/** Installs the guard in this process. Idempotent. */
export function installLoopbackGuard(): void {
  if (isLoopbackGuardInstalled()) return;
  (globalThis as Installable)[INSTALLED] = true;
  guardSocketConnect();
  guardDgram();
  guardDnsLookup();
  // make `import { lookup } from 'node:dns'` see the patched functions too
  syncBuiltinESMExports();
}
