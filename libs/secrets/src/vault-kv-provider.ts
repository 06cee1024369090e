import { VaultError } from './errors.js';
import type { SecretProvider } from './secret-provider.js';
import { isPemCertificateBundle, vaultGet, VaultTransportError } from './vault-http.js';

export interface VaultKvOptions {
  /** e.g. `https://vault.lab:8200` (VAULT_ADDR). */
  address: string;
  /** Sent as `X-Vault-Token`; never appears in errors. */
  token: string;
  /** Mount path of the KV v2 engine (default `secret`). */
  mount?: string;
  /** Path of the secret inside the mount, e.g. `homelab/dashboard`. */
  path: string;
  /** PEM bundle of the CA(s) that signed Vault's certificate; replaces the system CAs for this client. */
  caCertPem?: string;
  /** Whole-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** How long a read secret (or its absence) is reused (default 60 000 ms; 0 disables caching). */
  cacheTtlMs?: number;
  /** Read this KV v2 version instead of the latest. */
  version?: number;
}

/** One KV v2 secret as read from Vault. */
export interface VaultKvSecret {
  /** The secret's fields (`data.data`); fields are named like configuration variables. */
  readonly data: ReadonlyMap<string, unknown>;
  /** KV v2 version number from the secret's metadata. */
  readonly version: number | undefined;
  /** ISO time the version was written, from the secret's metadata. */
  readonly createdTime: string | undefined;
}

interface CacheEntry {
  secret: VaultKvSecret | undefined;
  expiresAt: number;
}

/**
 * Reads fields of one HashiCorp Vault KV v2 secret
 * (`GET {address}/v1/{mount}/data/{path}`). The whole secret is fetched once
 * and cached for `cacheTtlMs`, so resolving all of a service's variables costs
 * one request; concurrent cold reads share it. A missing secret yields
 * `undefined` for every key; denied access, an unreachable Vault and
 * unexpected answers are errors naming the address and path (never the token).
 */
export class VaultKvSecretProvider implements SecretProvider {
  readonly name: string;
  /** `mount/path`, as used in messages. */
  readonly secretPath: string;
  readonly #mount: string;
  readonly #url: URL;
  readonly #address: string;
  readonly #token: string;
  readonly #ca: string | undefined;
  readonly #timeoutMs: number;
  readonly #cacheTtlMs: number;
  #cache: CacheEntry | undefined;
  #inflight: Promise<VaultKvSecret | undefined> | undefined;

  constructor(options: VaultKvOptions) {
    const address = parseAddress(options.address);
    const mount = trimSlashes(options.mount ?? 'secret');
    const path = trimSlashes(options.path);
    if (!mount) throw invalid('the KV mount is empty');
    if (!path) throw invalid('the secret path is empty');
    if (hasDotSegment(mount) || hasDotSegment(path)) throw invalid('the mount and path cannot contain "." or ".." segments');
    // header values cannot carry line breaks; say so without echoing the token
    if (!options.token || /[\r\n\0]/.test(options.token)) throw invalid('the Vault token is empty or contains line breaks');
    const timeoutMs = options.timeoutMs ?? 5000;
    const cacheTtlMs = options.cacheTtlMs ?? 60_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid('timeoutMs must be a positive number');
    if (!Number.isFinite(cacheTtlMs) || cacheTtlMs < 0) throw invalid('cacheTtlMs must be zero or more');
    if (options.version !== undefined && !(Number.isSafeInteger(options.version) && options.version > 0)) {
      throw invalid('version must be a positive integer');
    }
    if (options.caCertPem !== undefined && !isPemCertificateBundle(options.caCertPem)) {
      throw invalid('the CA certificate is not a PEM certificate bundle');
    }

    this.secretPath = `${mount}/${path}`;
    this.name = `vault:${this.secretPath}`;
    this.#mount = mount;
    this.#address = displayAddress(address);
    this.#url = new URL(`${address.pathname.replace(/\/+$/, '')}/v1/${encodePath(mount)}/data/${encodePath(path)}`, address);
    if (options.version !== undefined) this.#url.searchParams.set('version', String(options.version));
    this.#token = options.token;
    this.#ca = options.caCertPem;
    this.#timeoutMs = timeoutMs;
    this.#cacheTtlMs = cacheTtlMs;
  }

  async get(key: string): Promise<string | undefined> {
    const secret = await this.read();
    const value = secret?.data.get(key);
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    throw new VaultError(
      'invalid-field',
      `Field ${key} of Vault secret ${this.secretPath} is ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a string`,
    );
  }

  /** The whole secret with its version metadata, or `undefined` if it does not exist. Cached like `get`. */
  async read(): Promise<VaultKvSecret | undefined> {
    if (this.#cache && now() < this.#cache.expiresAt) return this.#cache.secret;
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /** Drops the cached secret so the next read asks Vault again. */
  invalidate(): void {
    this.#cache = undefined;
  }

  async #fetch(): Promise<VaultKvSecret | undefined> {
    let response;
    try {
      response = await vaultGet(this.#url, { token: this.#token, ca: this.#ca, timeoutMs: this.#timeoutMs });
    } catch (error) {
      throw this.#transportError(error);
    }
    const secret = this.#interpret(response.status, response.body);
    if (this.#cacheTtlMs > 0) this.#cache = { secret, expiresAt: now() + this.#cacheTtlMs };
    return secret;
  }

  #interpret(status: number, body: string): VaultKvSecret | undefined {
    if (status === 404) return undefined;
    if (status === 401 || status === 403) {
      throw new VaultError('denied', `Vault denied access to ${this.secretPath}: check VAULT_TOKEN`, status);
    }
    const json = parseJson(body);
    if (status !== 200) {
      const detail = vaultErrors(json);
      throw new VaultError(
        'http-status',
        `Vault at ${this.#address} answered HTTP ${status} for ${this.secretPath}${detail ? `: ${detail}` : ''}`,
        status,
      );
    }
    const secret = parseKvV2(json);
    if (secret === 'invalid') {
      throw new VaultError(
        'invalid-response',
        `Vault at ${this.#address} sent an unexpected answer for ${this.secretPath}: is ${this.#mount} a KV version 2 mount?`,
        status,
      );
    }
    return secret;
  }

  #transportError(error: unknown): VaultError {
    if (!(error instanceof VaultTransportError)) {
      return new VaultError('unreachable', `Cannot reach Vault at ${this.#address}`, undefined, { cause: error });
    }
    switch (error.kind) {
      case 'timeout':
        return new VaultError('timeout', `Vault at ${this.#address} did not answer within ${this.#timeoutMs} ms`);
      case 'tls':
        return new VaultError(
          'tls',
          `TLS error talking to Vault at ${this.#address} (${error.detail}): check VAULT_CACERT and the certificate's host name`,
          undefined,
          { cause: error.cause },
        );
      case 'too-large':
        return new VaultError('invalid-response', `Vault at ${this.#address} sent a ${error.detail}`);
      default:
        return new VaultError('unreachable', `Cannot reach Vault at ${this.#address} (${error.detail})`, undefined, {
          cause: error.cause,
        });
    }
  }
}

function invalid(problem: string): VaultError {
  return new VaultError('invalid-options', `Invalid Vault settings: ${problem}`);
}

function parseAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalid('the address is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('the address must be an http:// or https:// URL');
  url.search = '';
  url.hash = '';
  return url;
}

/** Origin and path only: user info in the URL must not reach messages. */
function displayAddress(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function trimSlashes(text: string): string {
  return text.trim().replace(/^\/+|\/+$/g, '');
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}

function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

function now(): number {
  return performance.now();
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function vaultErrors(json: unknown): string {
  if (!isRecord(json) || !Array.isArray(json['errors'])) return '';
  const text = json['errors'].filter((e): e is string => typeof e === 'string').join('; ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** `data.data` null means the requested version was deleted or destroyed: treat it as missing. */
function parseKvV2(json: unknown): VaultKvSecret | undefined | 'invalid' {
  if (!isRecord(json) || !isRecord(json['data'])) return 'invalid';
  const { data, metadata } = json['data'];
  if (data === null) return undefined;
  if (!isRecord(data)) return 'invalid';
  const meta = isRecord(metadata) ? metadata : {};
  return {
    data: new Map(Object.entries(data)),
    version: typeof meta['version'] === 'number' ? meta['version'] : undefined,
    createdTime: typeof meta['created_time'] === 'string' ? meta['created_time'] : undefined,
  };
}
