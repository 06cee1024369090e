import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface VaultFakeOptions {
  /** The only token the fake accepts (`X-Vault-Token`). */
  token: string;
  /** Initial secrets by `mount/path`, e.g. `{ 'secret/homelab/x': { DATABASE_URL: '…' } }`; each starts at version 1. */
  secrets?: Record<string, Record<string, string>>;
  /** Serve HTTPS with this PEM key and certificate instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

export interface VaultFake {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`; the certificate must name IP 127.0.0.1). */
  readonly address: string;
  /** Requests received so far, whatever their outcome. */
  readonly requests: number;
  /** Writes a new version of a secret (like `vault kv put`). */
  setSecret(mountPath: string, data: Record<string, string>): void;
  /** Deletes the latest version (like `vault kv delete`): reads then answer 404. */
  deleteSecret(mountPath: string): void;
  close(): Promise<void>;
}

interface Version {
  data: Record<string, string> | null;
  createdTime: string;
  deletionTime: string;
}

/**
 * A HashiCorp Vault KV v2 read endpoint on 127.0.0.1: answers
 * `GET /v1/<mount>/data/<path>[?version=N]` with Vault's JSON envelope,
 * 403 `{"errors":["permission denied"]}` for a missing or wrong token and
 * 404 `{"errors":[]}` for an unknown secret, as Vault does.
 */
export async function startVaultFake(options: VaultFakeOptions): Promise<VaultFake> {
  const store = new Map<string, Version[]>();
  let requests = 0;

  const setSecret = (mountPath: string, data: Record<string, string>): void => {
    const key = normalise(mountPath);
    const versions = store.get(key) ?? [];
    versions.push({ data: { ...data }, createdTime: new Date().toISOString(), deletionTime: '' });
    store.set(key, versions);
  };
  for (const [mountPath, data] of Object.entries(options.secrets ?? {})) setSecret(mountPath, data);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests += 1;
    req.resume();
    const url = new URL(req.url ?? '/', 'http://vault.invalid');
    if (req.headers['x-vault-token'] !== options.token) return send(res, 403, { errors: ['permission denied'] });
    if (req.method !== 'GET') return send(res, 405, { errors: [] });
    const match = /^\/v1\/(.+?)\/data\/(.+)$/.exec(url.pathname);
    if (!match?.[1] || !match[2]) return send(res, 404, { errors: [] });
    let key: string;
    try {
      key = `${decodePath(match[1])}/${decodePath(match[2])}`;
    } catch {
      return send(res, 400, { errors: ['invalid request path'] });
    }
    const versions = store.get(key);
    const wanted = url.searchParams.get('version');
    const number = wanted === null || wanted === '0' ? versions?.length : Number(wanted);
    const version = number === undefined ? undefined : versions?.[number - 1];
    if (!version || number === undefined) return send(res, 404, { errors: [] });
    const metadata = {
      created_time: version.createdTime,
      custom_metadata: null,
      deletion_time: version.deletionTime,
      destroyed: false,
      version: number,
    };
    // Vault answers a deleted version with 404 and the metadata
    if (version.data === null) return send(res, 404, envelope({ data: null, metadata }));
    send(res, 200, envelope({ data: version.data, metadata }));
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    address: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    setSecret,
    deleteSecret(mountPath) {
      const versions = store.get(normalise(mountPath));
      const latest = versions?.[versions.length - 1];
      if (latest) Object.assign(latest, { data: null, deletionTime: new Date().toISOString() });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function envelope(data: unknown): unknown {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function normalise(mountPath: string): string {
  return mountPath.replace(/^\/+|\/+$/g, '');
}

function decodePath(path: string): string {
  return path.split('/').map(decodeURIComponent).join('/');
}
