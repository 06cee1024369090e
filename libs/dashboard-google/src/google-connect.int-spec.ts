// Real: google-auth-library's OAuth2Client, PostgreSQL, the sealed-cookie and PKCE code of
// @homelab/auth, DataCipher. Faked: Google (startGoogleFake, its OAuth endpoints on 127.0.0.1).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleFake, type GoogleFake } from '@homelab/testing';
import { GoogleConnectError } from './google-errors.js';
import { GOOGLE_REQUESTED_SCOPES } from './google-scopes.js';
import { GoogleService } from './google.service.js';
import { CLIENT_ID, CLIENT_SECRET, consent, googleTestDatabase, insertUser, makeService, recordingLogger, REDIRECT_URI, testCipher, type GoogleTestDatabase } from './testing/google.test-helpers.js';

let database: GoogleTestDatabase;
let fake: GoogleFake;
let adminId: string;
let viewerId: string;

beforeAll(async () => {
  database = await googleTestDatabase();
  adminId = await insertUser(database.pool, 'admin', 'admin');
  viewerId = await insertUser(database.pool, 'viewer', 'viewer');
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  fake = await startGoogleFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, email: 'owner@example.test', redirectUris: [REDIRECT_URI] });
  await database.pool.query('DELETE FROM google_account');
  await database.pool.query(`UPDATE app_user SET role = 'admin', disabled = false WHERE id = $1`, [adminId]);
});

afterEach(async () => {
  await fake.close();
});

async function expectConnectFailure(work: Promise<unknown>, failure: string): Promise<void> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GoogleConnectError);
  expect((error as GoogleConnectError).failure).toBe(failure);
}

async function storedRow(): Promise<Record<string, unknown> | undefined> {
  const { rows } = await database.pool.query<Record<string, unknown>>('SELECT * FROM google_account');
  return rows[0];
}

describe('connecting the Google account', () => {
  it('asks for exactly the documented scopes, offline access, a consent prompt and S256 PKCE', async () => {
    const google = makeService(fake, database.pool);
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    const params = new URL(url).searchParams;
    expect(url.startsWith(`${fake.oauthUrl}?`)).toBe(true);
    expect(params.get('scope')?.split(' ')).toEqual([
      'https://www.googleapis.com/auth/calendar.readonly',
      'https://www.googleapis.com/auth/gmail.metadata',
      'https://www.googleapis.com/auth/drive.metadata.readonly',
      'openid',
      'email',
    ]);
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('prompt')).toBe('consent');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(params.get('client_id')).toBe(CLIENT_ID);
    // the browser's cookie holds the pending connection sealed: neither the verifier nor the state is readable in it
    expect(cookie).not.toContain(params.get('state'));
    expect(cookie).toMatch(/^v1\./);

    await google.completeConnect(await consent(url), cookie);
    expect(fake.authorizations).toHaveLength(1);
    expect(fake.authorizations[0]?.scopes).toEqual([...GOOGLE_REQUESTED_SCOPES]);
    expect(await google.status()).toEqual({
      configured: true,
      connected: true,
      needsReconnect: false,
      email: 'owner@example.test',
      scopes: [
        'https://www.googleapis.com/auth/calendar.readonly',
        'https://www.googleapis.com/auth/drive.metadata.readonly',
        'https://www.googleapis.com/auth/gmail.metadata',
        'https://www.googleapis.com/auth/userinfo.email',
        'openid',
      ],
      error: null,
    });
  });

  it('stores the tokens encrypted only, and never hands them to the logger', async () => {
    const { logger, lines } = recordingLogger();
    const google = makeService(fake, database.pool, { logger });
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    await google.completeConnect(await consent(url), cookie);

    const row = await storedRow();
    const text = JSON.stringify(row);
    expect(fake.issuedTokens).toHaveLength(2);
    for (const token of fake.issuedTokens) expect(text).not.toContain(token);
    expect(text).not.toContain('ya29.');
    expect(text).not.toContain('1//');
    expect(row?.['refresh_token_secret']).toMatch(/^v1\.test\./);
    expect(row?.['access_token_secret']).toMatch(/^v1\.test\./);
    expect(row?.['connected_by']).toBe(adminId);
    expect(lines.length).toBeGreaterThan(0);
    for (const token of fake.issuedTokens) expect(lines.join('\n')).not.toContain(token);
  });

  it('refuses to connect without DATA_ENCRYPTION_KEYS, saying so', async () => {
    const google = makeService(fake, database.pool, { cipher: undefined });
    await expectConnectFailure(google.beginConnect(adminId, REDIRECT_URI), 'encryption_keys_missing');
    expect((await google.status()).error).toMatch(/DATA_ENCRYPTION_KEYS/);
    expect(fake.authorizations).toHaveLength(0);
  });

  it('refuses a callback with a forged state, without a cookie, or from another browser', async () => {
    const google = makeService(fake, database.pool);
    const first = await google.beginConnect(adminId, REDIRECT_URI);
    const query = await consent(first.url);

    const forged = new URLSearchParams(query);
    forged.set('state', 'forged-state-forged-state-forged-state-0123');
    await expectConnectFailure(google.completeConnect(forged, first.cookie), 'state_invalid');
    // an attacker's link with a valid callback but no pending connection in the victim's browser
    await expectConnectFailure(google.completeConnect(query, undefined), 'state_invalid');
    // the cookie of another pending connection (another tab, another admin) does not fit this state
    const other = await google.beginConnect(adminId, REDIRECT_URI);
    await expectConnectFailure(google.completeConnect(query, other.cookie), 'state_invalid');
    await expectConnectFailure(google.completeConnect(query, `${first.cookie.slice(0, -4)}AAAA`), 'state_invalid');
    expect(await storedRow()).toBeUndefined();
    expect(fake.tokenGrants['authorization_code']).toBeUndefined();
  });

  it('refuses a replayed callback: Google redeems a code once, and the first connection stays', async () => {
    const google = makeService(fake, database.pool);
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    const query = await consent(url);
    await google.completeConnect(query, cookie);
    const before = await storedRow();

    await expectConnectFailure(google.completeConnect(query, cookie), 'exchange_failed');
    expect(await storedRow()).toEqual(before);
  });

  it("refuses another consent's code injected into this browser's callback (PKCE)", async () => {
    const google = makeService(fake, database.pool);
    const victim = await google.beginConnect(adminId, REDIRECT_URI);
    const victimQuery = await consent(victim.url);
    const attacker = await google.beginConnect(adminId, REDIRECT_URI);
    const attackerQuery = await consent(attacker.url);

    const injected = new URLSearchParams(victimQuery);
    injected.set('code', attackerQuery.get('code') ?? '');
    await expectConnectFailure(google.completeConnect(injected, victim.cookie), 'exchange_failed');
    expect(await storedRow()).toBeUndefined();
  });

  it('refuses a callback that arrives after the pending connection expired', async () => {
    let now = Date.now();
    const google = makeService(fake, database.pool, { now: () => now });
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    const query = await consent(url);
    now += 11 * 60_000;
    await expectConnectFailure(google.completeConnect(query, cookie), 'state_invalid');
  });

  it('refuses to finish for an admin who was demoted or disabled meanwhile, and for a viewer', async () => {
    const google = makeService(fake, database.pool);
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    const query = await consent(url);
    await database.pool.query(`UPDATE app_user SET role = 'viewer' WHERE id = $1`, [adminId]);
    await expectConnectFailure(google.completeConnect(query, cookie), 'not_admin');

    await database.pool.query(`UPDATE app_user SET role = 'admin', disabled = true WHERE id = $1`, [adminId]);
    const again = await google.beginConnect(adminId, REDIRECT_URI);
    await expectConnectFailure(google.completeConnect(await consent(again.url), again.cookie), 'not_admin');

    const byViewer = await google.beginConnect(viewerId, REDIRECT_URI);
    await expectConnectFailure(google.completeConnect(await consent(byViewer.url), byViewer.cookie), 'not_admin');
    expect(await storedRow()).toBeUndefined();
    // refused before the code was redeemed
    expect(fake.tokenGrants['authorization_code']).toBeUndefined();
  });

  it('reports a declined consent as access_denied', async () => {
    const google = makeService(fake, database.pool);
    fake.denyNextAuthorization('access_denied');
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    await expectConnectFailure(google.completeConnect(await consent(url), cookie), 'access_denied');
  });

  it('reports Google being down during the exchange as google_unavailable', async () => {
    const google = makeService(fake, database.pool, { settings: { timeoutMs: 300 } });
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    const query = await consent(url);
    fake.setLatency(1_000);
    await expectConnectFailure(google.completeConnect(query, cookie), 'google_unavailable');
  });

  it('a new connection replaces the old one and revokes its grant at Google', async () => {
    const google = makeService(fake, database.pool);
    const first = await google.beginConnect(adminId, REDIRECT_URI);
    await google.completeConnect(await consent(first.url), first.cookie);
    const firstRow = await storedRow();
    const second = await google.beginConnect(adminId, REDIRECT_URI);
    await google.completeConnect(await consent(second.url), second.cookie);

    const secondRow = await storedRow();
    expect(secondRow?.['generation']).not.toBe(firstRow?.['generation']);
    await expect.poll(() => fake.revocations).toBe(1);
    expect(fake.liveGrants()).toBe(1);
  });

  it('keeps what Google granted when the user unticked scopes, and says what is missing', async () => {
    const google = makeService(fake, database.pool);
    fake.grantOnlyNext(['openid', 'email', 'https://www.googleapis.com/auth/calendar.readonly']);
    const { url, cookie } = await google.beginConnect(adminId, REDIRECT_URI);
    await google.completeConnect(await consent(url), cookie);
    const status = await google.status();
    expect(status.connected).toBe(true);
    expect(status.error).toBe('Google did not grant access to gmail, drive: connect again and allow it on the consent page');
    await expect(google.gmail()).rejects.toMatchObject({ code: 'GOOGLE_SCOPE_MISSING' });
    await expect(google.calendar(7)).resolves.toEqual({ events: [] });
  });

  it('is not configured without a client', async () => {
    const google = new GoogleService({
      settings: undefined,
      stateKey: undefined,
      pool: database.pool,
      cipher: testCipher(),
      users: { get: async () => null },
      logger: recordingLogger().logger,
    });
    expect(await google.status()).toEqual({ configured: false, connected: false, needsReconnect: false, email: null, scopes: [], error: null });
    await expectConnectFailure(google.beginConnect(adminId, REDIRECT_URI), 'not_configured');
    await expect(google.drive()).rejects.toMatchObject({ code: 'GOOGLE_NOT_CONFIGURED' });
  });
});
