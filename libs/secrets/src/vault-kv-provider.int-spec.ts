import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jarvisGuardConfig, loadConfig } from '@homelab/config';
import { startVaultFake, type VaultFake } from '@homelab/testing';
import { createSecretStore, REDACTED, redactor, VaultError, VaultKvSecretProvider, type VaultKvOptions } from './index.js';

const token = `hvs.${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const databaseUrl = `postgresql://guard:${Math.random().toString(36).slice(2)}-pw@127.0.0.1:5432/guard`;

let vault: VaultFake;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  vault = await startVaultFake({
    token,
    secrets: {
      'secret/homelab/x': { DATABASE_URL: databaseUrl, NATS_PASSWORD: 'nats-password-1' },
      'kv/apps/other': { API_KEY: 'other-api-key' },
    },
  });
});

afterAll(async () => {
  await vault.close();
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function provider(options: Partial<VaultKvOptions> = {}): VaultKvSecretProvider {
  return new VaultKvSecretProvider({ address: vault.address, token, path: 'homelab/x', ...options });
}

async function vaultError(promise: Promise<unknown>): Promise<VaultError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof VaultError)) throw new Error(`expected a VaultError, got ${String(error)}`);
  return error;
}

/** Starts `server` on 127.0.0.1:0 and registers its shutdown (open connections included). */
async function listen(server: Server | NetServer): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  );
  return (server.address() as AddressInfo).port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('VaultKvSecretProvider against a KV v2 server', () => {
  it('reads fields of the secret', async () => {
    const p = provider();
    expect(p.name).toBe('vault:secret/homelab/x');
    expect(await p.get('DATABASE_URL')).toBe(databaseUrl);
    expect(await p.get('NATS_PASSWORD')).toBe('nats-password-1');
    expect(await p.get('NOT_A_FIELD')).toBeUndefined();
    expect(await p.get('constructor')).toBeUndefined();
    const other = provider({ mount: 'kv', path: 'apps/other' });
    expect(await other.get('API_KEY')).toBe('other-api-key');
  });

  it('exposes the version metadata and can read a pinned version', async () => {
    vault.setSecret('secret/homelab/versioned', { TOKEN: 'version-one' });
    vault.setSecret('secret/homelab/versioned', { TOKEN: 'version-two' });
    const latest = await provider({ path: 'homelab/versioned' }).read();
    expect(latest?.version).toBe(2);
    expect(latest?.data.get('TOKEN')).toBe('version-two');
    expect(Number.isNaN(Date.parse(latest?.createdTime ?? ''))).toBe(false);
    expect(await provider({ path: 'homelab/versioned', version: 1 }).get('TOKEN')).toBe('version-one');
    expect(await provider({ path: 'homelab/versioned', version: 3 }).get('TOKEN')).toBeUndefined();
  });

  it('answers undefined for every key of a missing or deleted secret', async () => {
    const missing = provider({ path: 'homelab/nope' });
    expect(await missing.get('DATABASE_URL')).toBeUndefined();
    expect(await missing.read()).toBeUndefined();
    vault.setSecret('secret/homelab/deleted', { A: 'was-here' });
    vault.deleteSecret('secret/homelab/deleted');
    expect(await provider({ path: 'homelab/deleted' }).get('A')).toBeUndefined();
  });

  it('reports a wrong token as denied, without the token', async () => {
    const wrong = `hvs.wrong-${token.slice(4)}`;
    const error = await vaultError(provider({ token: wrong }).get('DATABASE_URL'));
    expect(error.reason).toBe('denied');
    expect(error.status).toBe(403);
    expect(error.message).toBe('Vault denied access to secret/homelab/x: check VAULT_TOKEN');
    expect(`${error.message}${error.stack}`).not.toContain(wrong);
    expect(`${error.message}${error.stack}`).not.toContain(token);
  });

  it('does not cache a failure', async () => {
    const p = provider({ token: 'hvs.not-the-token' });
    const before = vault.requests;
    await vaultError(p.get('A'));
    await vaultError(p.get('A'));
    expect(vault.requests - before).toBe(2);
  });

  it('reports a closed port as unreachable, naming the address', async () => {
    const port = await listen(createNetServer());
    await cleanup.pop()?.();
    const address = `http://127.0.0.1:${port}`;
    const error = await vaultError(provider({ address }).get('DATABASE_URL'));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`Cannot reach Vault at ${address} (ECONNREFUSED)`);
    expect(error.message).not.toContain(token);
  });

  it('gives up after timeoutMs when Vault accepts but never answers', async () => {
    const silent = createNetServer(() => undefined);
    const address = `http://127.0.0.1:${await listen(silent)}`;
    const started = performance.now();
    const error = await vaultError(provider({ address, timeoutMs: 200 }).get('DATABASE_URL'));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(`Vault at ${address} did not answer within 200 ms`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports other HTTP answers with Vault\u2019s error text', async () => {
    const sealed = createHttpServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: ['Vault is sealed'] }));
    });
    const address = `http://127.0.0.1:${await listen(sealed)}`;
    const error = await vaultError(provider({ address }).get('A'));
    expect(error.reason).toBe('http-status');
    expect(error.status).toBe(503);
    expect(error.message).toBe(`Vault at ${address} answered HTTP 503 for secret/homelab/x: Vault is sealed`);
  });

  it('rejects an answer that is not a KV v2 secret', async () => {
    const notKv = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: { A: 'kv-v1-shape' } }));
    });
    const address = `http://127.0.0.1:${await listen(notKv)}`;
    const error = await vaultError(provider({ address }).get('A'));
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toContain('is secret a KV version 2 mount?');
  });

  it('refuses a field that is not a string, without echoing it', async () => {
    // Vault stores any JSON; `vault kv put` only writes strings, a raw API write can store numbers
    vault.setSecret('secret/homelab/typed', { PORT: 8080 } as unknown as Record<string, string>);
    const error = await vaultError(provider({ path: 'homelab/typed' }).get('PORT'));
    expect(error.reason).toBe('invalid-field');
    expect(error.message).toBe('Field PORT of Vault secret secret/homelab/typed is a number, not a string');
  });
});

describe('VaultKvSecretProvider caching', () => {
  it('fetches the whole secret once for many keys and concurrent reads', async () => {
    const p = provider();
    const before = vault.requests;
    const values = await Promise.all([p.get('DATABASE_URL'), p.get('NATS_PASSWORD'), p.get('MISSING')]);
    expect(values).toEqual([databaseUrl, 'nats-password-1', undefined]);
    await p.get('DATABASE_URL');
    expect(vault.requests - before).toBe(1);
  });

  it('caches a missing secret too', async () => {
    const p = provider({ path: 'homelab/absent' });
    const before = vault.requests;
    await p.get('A');
    await p.get('B');
    expect(vault.requests - before).toBe(1);
  });

  it('asks again after cacheTtlMs and sees the new value', async () => {
    vault.setSecret('secret/homelab/rotating', { KEY: 'before-rotation' });
    const p = provider({ path: 'homelab/rotating', cacheTtlMs: 150 });
    const before = vault.requests;
    expect(await p.get('KEY')).toBe('before-rotation');
    vault.setSecret('secret/homelab/rotating', { KEY: 'after-rotation' });
    expect(await p.get('KEY')).toBe('before-rotation');
    expect(vault.requests - before).toBe(1);
    await sleep(200);
    expect(await p.get('KEY')).toBe('after-rotation');
    expect(vault.requests - before).toBe(2);
  });

  it('invalidate() forces a new read; cacheTtlMs 0 disables caching', async () => {
    const p = provider();
    const before = vault.requests;
    await p.get('DATABASE_URL');
    p.invalidate();
    await p.get('DATABASE_URL');
    expect(vault.requests - before).toBe(2);
    const uncached = provider({ cacheTtlMs: 0 });
    await uncached.get('DATABASE_URL');
    await uncached.get('DATABASE_URL');
    expect(vault.requests - before).toBe(4);
  });
});

describe('Vault through the secret store', () => {
  it('resolves configuration from Vault with one request and redacts what it read', async () => {
    const store = createSecretStore(
      { NATS_PASSWORD: 'env-wins-over-vault' },
      { address: vault.address, token, mount: 'secret', path: 'homelab/x' },
    );
    const before = vault.requests;
    const config = await loadConfig(jarvisGuardConfig, {}, store.resolver());
    expect(config.DATABASE_URL).toBe(databaseUrl);
    expect(config.NATS_PASSWORD).toBe('env-wins-over-vault');
    expect(vault.requests - before).toBe(1);

    const line = JSON.stringify({ msg: 'connecting', url: databaseUrl, token });
    expect(redactor.redact(line)).toBe(`{"msg":"connecting","url":"${REDACTED}","token":"${REDACTED}"}`);
    const error = redactor.redactError(new Error(`could not connect to ${databaseUrl}`));
    expect(error.message).toBe(`could not connect to ${REDACTED}`);
    expect(error.stack).not.toContain(databaseUrl);
  });

  it('require() names the Vault provider among those tried', async () => {
    const store = createSecretStore({}, { address: vault.address, token, mount: 'secret', path: 'homelab/x' });
    await expect(store.require('NOT_ANYWHERE')).rejects.toThrow(
      'Secret NOT_ANYWHERE is not set (tried file, env, vault:secret/homelab/x)',
    );
  });
});

describe('VaultKvSecretProvider over HTTPS', () => {
  const run = promisify(execFile);
  let dir: string;
  let pki: { caPem: string; key: string; cert: string; otherCaPem: string; wrongHost: { key: string; cert: string } };
  let available = true;

  /** A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
  async function makePki(): Promise<typeof pki> {
    const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
    await ssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=other-ca');
    for (const [name, san] of [
      ['server', 'IP:127.0.0.1'],
      ['wrong', 'IP:127.0.0.2'],
    ] as const) {
      await ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      await writeFile(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
      await ssl(
        'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`,
      );
    }
    const read = (name: string) => readFile(join(dir, name), 'utf8');
    return {
      caPem: await read('ca.pem'),
      otherCaPem: await read('other.pem'),
      key: await read('server.key'),
      cert: await read('server.pem'),
      wrongHost: { key: await read('wrong.key'), cert: await read('wrong.pem') },
    };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homelab-vault-tls-'));
    try {
      pki = await makePki();
    } catch {
      available = false; // no openssl CLI on this machine
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function tlsVault(cert: { key: string; cert: string }): Promise<VaultFake> {
    const fake = await startVaultFake({ token, secrets: { 'secret/homelab/x': { A: 'over-tls' } }, tls: cert });
    cleanup.push(() => fake.close());
    return fake;
  }

  it('verifies the server against the configured CA', async (ctx) => {
    if (!available) ctx.skip();
    const fake = await tlsVault(pki);
    expect(fake.address).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(await provider({ address: fake.address, caCertPem: pki.caPem }).get('A')).toBe('over-tls');
  });

  it('refuses a certificate from an untrusted CA', async (ctx) => {
    if (!available) ctx.skip();
    const fake = await tlsVault(pki);
    for (const options of [{}, { caCertPem: pki.otherCaPem }]) {
      const error = await vaultError(provider({ address: fake.address, ...options }).get('A'));
      expect(error.reason).toBe('tls');
      expect(error.message).toContain(`TLS error talking to Vault at ${fake.address}`);
      expect(error.message).toContain('VAULT_CACERT');
    }
    expect(fake.requests).toBe(0);
  });

  it('refuses a trusted certificate issued for another host', async (ctx) => {
    if (!available) ctx.skip();
    const fake = await tlsVault(pki.wrongHost);
    const error = await vaultError(provider({ address: fake.address, caCertPem: pki.caPem }).get('A'));
    expect(error.reason).toBe('tls');
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(fake.requests).toBe(0);
  });
});
