import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { ConfigError } from '@homelab/config';
import type { DockerHostEndpoint } from './docker-host-registry.js';

/** PEM material for `https://` hosts (DOCKER_TLS_CA/CERT/KEY). */
export interface DockerTlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

export interface UnixDockerHostSpec extends DockerHostEndpoint {
  kind: 'unix';
  socketPath: string;
}

export interface TcpDockerHostSpec extends DockerHostEndpoint {
  kind: 'http' | 'https';
  /** Without IPv6 brackets. */
  hostname: string;
  port: number;
}

/** One parsed DOCKER_HOSTS entry. */
export type DockerHostSpec = UnixDockerHostSpec | TcpDockerHostSpec;

/** The part of the dashboard configuration the Docker hosts are built from. */
export interface DockerHostsSettings {
  DOCKER_HOSTS: string;
  DOCKER_TLS_CA?: string | undefined;
  DOCKER_TLS_CERT?: string | undefined;
  DOCKER_TLS_KEY?: string | undefined;
  DOCKER_TIMEOUT_MS: number;
  DOCKER_REFRESH_INTERVAL_MS: number;
}

const VARIABLE = 'DOCKER_HOSTS';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const DEFAULT_PORT = { http: 2375, https: 2376 } as const;

const fail = (problem: string): never => {
  throw new ConfigError(VARIABLE, problem);
};

function parseUnix(name: string, address: string): UnixDockerHostSpec {
  const socketPath = address.slice('unix://'.length);
  if (!isAbsolute(socketPath)) fail(`entry "${name}": a unix socket needs an absolute path, e.g. ${name}=unix:///var/run/docker.sock`);
  return { name, kind: 'unix', endpoint: `unix://${socketPath}`, socketPath };
}

function parseTcp(name: string, address: string): TcpDockerHostSpec {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return fail(`entry "${name}": "${address}" is not a URL (expected unix:///path, https://host:2376 or http://host:2375)`);
  }
  const kind = url.protocol === 'https:' ? 'https' : 'http';
  if (url.username || url.password) fail(`entry "${name}": credentials in the URL are not supported (use TLS client certificates with https://)`);
  if (url.pathname !== '/' || url.search || url.hash) fail(`entry "${name}": the URL must not have a path or query (got ${url.protocol}//${url.host}${url.pathname})`);
  if (!url.hostname) fail(`entry "${name}": the URL has no host`);
  const port = url.port ? Number(url.port) : DEFAULT_PORT[kind];
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { name, kind, endpoint: `${kind}://${url.host}${url.port ? '' : `:${port}`}`, hostname, port };
}

function parseEntry(entry: string, index: number): DockerHostSpec {
  const eq = entry.indexOf('=');
  if (eq < 0) fail(`entry ${index + 1} has no name: write name=endpoint, e.g. local=unix:///var/run/docker.sock`);
  const name = entry.slice(0, eq).trim();
  const address = entry.slice(eq + 1).trim();
  if (!NAME.test(name)) fail(`entry ${index + 1}: host name "${name.slice(0, 40)}" must be 1-32 letters, digits, _ or -, starting with a letter or digit`);
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(address)?.[1]?.toLowerCase();
  if (scheme === 'unix') return parseUnix(name, address);
  if (scheme === 'https' || scheme === 'http') return parseTcp(name, address);
  if (scheme === 'tcp') return fail(`entry "${name}": write https://host:2376 for a TLS-protected daemon or http://host:2375 for a plain one (tcp:// is ambiguous)`);
  if (scheme === 'ssh') return fail(`entry "${name}": ssh:// is not supported; expose the daemon with TLS (https://) or through a socket proxy (http://)`);
  return fail(`entry "${name}": unsupported endpoint${scheme ? ` scheme "${scheme}://"` : ''} (expected unix:///path, https://host:2376 or http://host:2375)`);
}

/**
 * Parses DOCKER_HOSTS (`name=endpoint`, comma-separated). Throws a
 * ConfigError naming DOCKER_HOSTS for a malformed entry, a duplicate name
 * (names are compared case-insensitively: they appear in URLs) or an empty list.
 */
export function parseDockerHosts(value: string): DockerHostSpec[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) fail('names no Docker host (expected e.g. local=unix:///var/run/docker.sock)');
  const hosts = entries.map(parseEntry);
  const seen = new Set<string>();
  for (const host of hosts) {
    const key = host.name.toLowerCase();
    if (seen.has(key)) fail(`names the host "${host.name}" twice`);
    seen.add(key);
  }
  return hosts;
}

function checkPem(variable: string, problem: () => void): void {
  try {
    problem();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(variable, 'is not valid PEM (expected the contents of the file, starting with -----BEGIN)');
  }
}

/**
 * The TLS material `https://` hosts need, checked once at start-up: all three
 * variables set, each parseable, and the key belonging to the certificate.
 * Docker's TLS mode (`dockerd --tlsverify`) authenticates clients by
 * certificate, so an https host without a client certificate cannot work.
 */
export function requireTlsMaterial(hosts: readonly DockerHostSpec[], settings: DockerHostsSettings): DockerTlsMaterial | undefined {
  const https = hosts.filter((h) => h.kind === 'https').map((h) => h.name);
  if (https.length === 0) return undefined;
  const missing = (['DOCKER_TLS_CA', 'DOCKER_TLS_CERT', 'DOCKER_TLS_KEY'] as const).filter((v) => !settings[v]);
  if (missing.length > 0) {
    fail(`uses https:// for ${https.map((n) => `"${n}"`).join(', ')} but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set (the CA, client certificate and key from the daemon's TLS setup)`);
  }
  const material: DockerTlsMaterial = { ca: settings.DOCKER_TLS_CA ?? '', cert: settings.DOCKER_TLS_CERT ?? '', key: settings.DOCKER_TLS_KEY ?? '' };
  checkPem('DOCKER_TLS_CA', () => new X509Certificate(material.ca));
  let certificate: X509Certificate | undefined;
  checkPem('DOCKER_TLS_CERT', () => {
    certificate = new X509Certificate(material.cert);
  });
  checkPem('DOCKER_TLS_KEY', () => {
    const key = createPrivateKey(material.key);
    if (certificate && !certificate.checkPrivateKey(key)) throw new ConfigError('DOCKER_TLS_KEY', 'does not belong to the certificate in DOCKER_TLS_CERT');
  });
  return material;
}
