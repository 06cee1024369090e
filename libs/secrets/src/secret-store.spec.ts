import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, jarvisGuardConfig } from '@homelab/config';
import {
  createSecretStore,
  EnvSecretProvider,
  FileSecretProvider,
  MAX_SECRET_FILE_BYTES,
  REDACTED,
  Redactor,
  SecretFileError,
  SecretNotFoundError,
  SecretStore,
  type SecretProvider,
} from './index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homelab-secrets-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function fileError(provider: FileSecretProvider, key: string): Promise<SecretFileError> {
  const error: unknown = await provider.get(key).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SecretFileError)) throw new Error(`expected a SecretFileError, got ${String(error)}`);
  return error;
}

function fixed(name: string, values: Record<string, string>, asked?: string[]): SecretProvider {
  return {
    name,
    async get(key) {
      asked?.push(`${name}:${key}`);
      return values[key];
    },
  };
}

describe('EnvSecretProvider', () => {
  it('returns env[key], treating empty as unset', async () => {
    const env = new EnvSecretProvider({ A: 'value-a', EMPTY: '' });
    expect(env.name).toBe('env');
    expect(await env.get('A')).toBe('value-a');
    expect(await env.get('EMPTY')).toBeUndefined();
    expect(await env.get('MISSING')).toBeUndefined();
  });
});

describe('FileSecretProvider', () => {
  it('reads <KEY>_FILE and trims trailing line breaks only', async () => {
    const provider = new FileSecretProvider({
      A_FILE: await file('a', 'value-a\n'),
      B_FILE: await file('b', '  spaced value  \r\n\n'),
      C_FILE: await file('c', '-----BEGIN X-----\nline\n-----END X-----\n'),
    });
    expect(provider.name).toBe('file');
    expect(await provider.get('A')).toBe('value-a');
    expect(await provider.get('B')).toBe('  spaced value  ');
    expect(await provider.get('C')).toBe('-----BEGIN X-----\nline\n-----END X-----');
  });

  it('returns undefined when <KEY>_FILE is unset or empty', async () => {
    const provider = new FileSecretProvider({ A: 'not-a-file-variable', B_FILE: '' });
    expect(await provider.get('A')).toBeUndefined();
    expect(await provider.get('B')).toBeUndefined();
  });

  it('reads the file again on every call so rotated mounts are seen', async () => {
    const path = await file('rotating', 'first-value\n');
    const provider = new FileSecretProvider({ R_FILE: path });
    expect(await provider.get('R')).toBe('first-value');
    await writeFile(path, 'second-value\n');
    expect(await provider.get('R')).toBe('second-value');
  });

  it('names the variable and path of a missing file', async () => {
    const path = join(dir, 'does-not-exist');
    const error = await fileError(new FileSecretProvider({ DB_PASSWORD_FILE: path }), 'DB_PASSWORD');
    expect(error.message).toBe(`Cannot read secret file DB_PASSWORD_FILE=${path}: no such file`);
    expect(error.variable).toBe('DB_PASSWORD_FILE');
    expect(error.path).toBe(path);
  });

  it('reports a directory', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    const error = await fileError(new FileSecretProvider({ X_FILE: path }), 'X');
    expect(error.message).toContain('X_FILE');
    expect(error.message).toContain('directory');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file without its content', async () => {
    const path = await file('unreadable', 'the-hidden-content');
    await chmod(path, 0o000);
    const error = await fileError(new FileSecretProvider({ X_FILE: path }), 'X');
    expect(error.message).toContain('permission denied');
    expect(error.message).not.toContain('the-hidden-content');
  });

  it('refuses files over 64 KiB without echoing content, and accepts exactly 64 KiB', async () => {
    const big = await file('big', 'z'.repeat(MAX_SECRET_FILE_BYTES + 1));
    const error = await fileError(new FileSecretProvider({ BIG_FILE: big }), 'BIG');
    expect(error.message).toBe(`Cannot read secret file BIG_FILE=${big}: the file is larger than 64 KiB`);
    const limit = await file('limit', 'y'.repeat(MAX_SECRET_FILE_BYTES));
    expect(await new FileSecretProvider({ L_FILE: limit }).get('L')).toHaveLength(MAX_SECRET_FILE_BYTES);
  });

  it('refuses an endless device instead of reading forever', async () => {
    const error = await fileError(new FileSecretProvider({ Z_FILE: '/dev/zero' }), 'Z');
    expect(error.message).toContain('larger than 64 KiB');
  });

  it('refuses binary content that is not UTF-8', async () => {
    const path = await file('binary', Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    const error = await fileError(new FileSecretProvider({ K_FILE: path }), 'K');
    expect(error.message).toContain('not UTF-8');
  });
});

describe('SecretStore', () => {
  it('asks providers in order and stops at the first value', async () => {
    const asked: string[] = [];
    const store = new SecretStore(
      [fixed('one', { A: 'from-one' }, asked), fixed('two', { A: 'from-two', B: 'from-two-b' }, asked)],
      new Redactor(),
    );
    expect(await store.get('A')).toBe('from-one');
    expect(asked).toEqual(['one:A']);
    expect(await store.get('B')).toBe('from-two-b');
    expect(await store.get('C')).toBeUndefined();
    expect(asked).toEqual(['one:A', 'one:B', 'two:B', 'one:C', 'two:C']);
  });

  it('skips empty values so a later provider can supply one', async () => {
    const store = new SecretStore([fixed('blank', { A: '' }), fixed('real', { A: 'real-value' })], new Redactor());
    expect(await store.get('A')).toBe('real-value');
  });

  it('fails the lookup when a provider fails, instead of falling through', async () => {
    const broken: SecretProvider = {
      name: 'broken',
      get: async () => {
        throw new Error('source down');
      },
    };
    const store = new SecretStore([broken, fixed('later', { A: 'later-value' })], new Redactor());
    await expect(store.get('A')).rejects.toThrow('source down');
  });

  it('require() names the key and every provider tried', async () => {
    const store = new SecretStore([fixed('file', {}), fixed('env', {}), fixed('vault:secret/homelab/x', {})], new Redactor());
    const error = await store.require('API_TOKEN').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect((error as Error).message).toBe('Secret API_TOKEN is not set (tried file, env, vault:secret/homelab/x)');
    await expect(new SecretStore([fixed('env', { K: 'present-value' })], new Redactor()).require('K')).resolves.toBe(
      'present-value',
    );
  });

  it('registers every value it returns with the redactor', async () => {
    const redactor = new Redactor();
    const store = new SecretStore([fixed('env', { A: 'returned-secret', B: 'never-asked-secret' })], redactor);
    await store.get('A');
    expect(redactor.redact('x returned-secret never-asked-secret')).toBe(`x ${REDACTED} never-asked-secret`);
  });

  it('resolver() feeds loadConfig', async () => {
    const store = new SecretStore(
      [fixed('env', { DATABASE_URL: 'postgresql://app:pw-123456@127.0.0.1:5432/guard' })],
      new Redactor(),
    );
    const resolve = store.resolver();
    const config = await loadConfig(jarvisGuardConfig, {}, resolve);
    expect(config.DATABASE_URL).toBe('postgresql://app:pw-123456@127.0.0.1:5432/guard');
  });
});

describe('createSecretStore', () => {
  it('prefers *_FILE over env, and uses env otherwise', async () => {
    const redactor = new Redactor();
    const store = createSecretStore(
      { A: 'a-from-env', A_FILE: await file('store-a', 'a-from-file\n'), B: 'b-from-env' },
      undefined,
      { redactor },
    );
    expect(store.providerNames).toEqual(['file', 'env']);
    expect(await store.get('A')).toBe('a-from-file');
    expect(await store.get('B')).toBe('b-from-env');
    expect(redactor.redact('a-from-file b-from-env a-from-env')).toBe(`${REDACTED} ${REDACTED} a-from-env`);
  });

  it('adds Vault last and registers the Vault token for redaction', () => {
    const redactor = new Redactor();
    const store = createSecretStore(
      {},
      { address: 'http://127.0.0.1:8200', token: 'hvs.test-token-value', mount: 'secret', path: 'homelab/x' },
      { redactor },
    );
    expect(store.providerNames).toEqual(['file', 'env', 'vault:secret/homelab/x']);
    expect(redactor.redact('token hvs.test-token-value')).toBe(`token ${REDACTED}`);
  });
});
