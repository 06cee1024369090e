import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { deriveOAuthStateKey, UsersRepository } from '@homelab/auth';
import { applyMigrations } from '@homelab/database';
import { DataCipher, parseKeyRing } from '@homelab/secrets';
import { createPooledTestDatabase, type GoogleFake, type TestDatabase } from '@homelab/testing';
import { createLogger, type Logger } from '@homelab/tracing';
import { GoogleService, type GoogleServiceOptions } from '../google.service.js';
import type { GoogleSettings } from '../google-settings.js';

export const CLIENT_ID = 'homelab-test.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-test-secret-0123456789';
export const REDIRECT_URI = 'http://127.0.0.1:8080/api/google/callback';

const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

/** A cipher with a key made for this test run. */
export function testCipher(): DataCipher {
  return new DataCipher(parseKeyRing(`test:${randomBytes(32).toString('base64')}`));
}

/** A logger that keeps every line it writes, unredacted, so a test can prove no token was handed to it. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ service: 'spec', instanceId: 'spec', level: 'debug', redact: (line) => line, destination }), lines };
}

export interface GoogleTestDatabase {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A fresh database with the dashboard's migrations. */
export function googleTestDatabase(): Promise<GoogleTestDatabase> {
  return createPooledTestDatabase('google', { prepare: (url) => applyMigrations({ connectionString: url, migrationsDir }) });
}

/** An account row (the dashboard's login accounts), returning its id. */
export async function insertUser(pool: pg.Pool, username: string, role: 'admin' | 'viewer'): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO app_user (username, role, provider, password_hash) VALUES ($1, $2, 'local', 'not-a-real-hash') RETURNING id`,
    [username, role],
  );
  return (rows[0] as { id: string }).id;
}

export function settingsFor(fake: GoogleFake, overrides: Partial<GoogleSettings> = {}): GoogleSettings {
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    apiRootUrl: fake.apiRootUrl,
    oauthUrl: fake.oauthUrl,
    tokenUrl: fake.tokenUrl,
    revokeUrl: fake.revokeUrl,
    timeoutMs: 2_000,
    cacheTtlMs: 0,
    ...overrides,
  };
}

export function makeService(
  fake: GoogleFake,
  pool: pg.Pool,
  options: Omit<Partial<GoogleServiceOptions>, 'settings'> & { settings?: Partial<GoogleSettings> } = {},
): GoogleService {
  const settings = settingsFor(fake, options.settings ?? {});
  return new GoogleService({
    pool,
    // a test passes `cipher: undefined` to run without DATA_ENCRYPTION_KEYS
    cipher: 'cipher' in options ? options.cipher : testCipher(),
    users: options.users ?? new UsersRepository(pool),
    logger: options.logger ?? recordingLogger().logger,
    stateKey: deriveOAuthStateKey(`google:${settings.clientSecret}`),
    ...(options.now !== undefined ? { now: options.now } : {}),
    settings,
  });
}

/** Plays the browser on Google's consent page: follows the consent URL, returns the callback's query. */
export async function consent(url: string): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) throw new Error(`consent page answered ${response.status}: ${await response.text()}`);
  return new URL(location).searchParams;
}

/** Connects the account through the whole flow, as `adminId`. */
export async function connect(service: GoogleService, adminId: string): Promise<void> {
  const { url, cookie } = await service.beginConnect(adminId, REDIRECT_URI);
  await service.completeConnect(await consent(url), cookie);
}
