// The Google feature through the dashboard's HTTP API. Real: the whole dashboard (Fastify, guards,
// cookies), PostgreSQL, google-auth-library and the @googleapis clients. Faked: Google
// (startGoogleFake). The browser is played by hand: redirects followed with fetch, cookies carried
// as a browser would (the SameSite=Strict session cookie is not sent on Google's cross-site redirect back).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoogleStatus } from '@homelab/dashboard-api';
import { startGoogleFake, type GoogleFake } from '@homelab/testing';
import { HARNESS_ADMIN, startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

const CLIENT = { clientId: 'dash-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-dashboard-test-secret' };
const SCOPES = [
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/gmail.metadata',
  'https://www.googleapis.com/auth/drive.metadata.readonly',
  'openid',
  'email',
];

function cookieFrom(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** A fresh admin session cookie (the harness client follows redirects; connecting must not). */
async function adminCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: url, 'content-type': 'application/json' },
    body: JSON.stringify(HARNESS_ADMIN),
  });
  const cookie = cookieFrom(response, 'homelab_session');
  if (response.status !== 200 || cookie === undefined) throw new Error(`login failed: ${response.status}`);
  return cookie.split(';')[0] as string;
}

interface ConnectSteps {
  /** `GET /api/google/connect` with the session. */
  connect: Response;
  /** The callback URL Google sent the browser back to. */
  callbackUrl: string;
  /** The pending-connection cookie (`name=value`). */
  pending: string;
  /** The callback's answer. */
  callback: Response;
}

/** Connect → consent → callback, as a browser does. */
async function connectThroughBrowser(dash: DashboardHarness, fake: GoogleFake, session: string): Promise<ConnectSteps> {
  const connect = await fetch(`${dash.url}/api/google/connect`, { redirect: 'manual', headers: { cookie: session } });
  const pendingLine = cookieFrom(connect, 'homelab_google');
  const consentUrl = connect.headers.get('location') ?? '';
  if (connect.status !== 302 || pendingLine === undefined || !consentUrl.startsWith(fake.oauthUrl)) {
    throw new Error(`connect answered ${connect.status} ${consentUrl} ${await connect.text()}`);
  }
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  const callbackUrl = consent.headers.get('location') ?? '';
  const pending = pendingLine.split(';')[0] as string;
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: pending } });
  return { connect, callbackUrl, pending, callback };
}

describe('Google through the dashboard', () => {
  let fake: GoogleFake;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;
  let session: string;
  let db: pg.Pool;

  beforeAll(async () => {
    const now = Date.now();
    fake = await startGoogleFake({
      ...CLIENT,
      events: [{ id: 'ev1', summary: 'Backup window', start: { dateTime: new Date(now + 3_600_000).toISOString() }, end: { dateTime: new Date(now + 7_200_000).toISOString() } }],
      messages: [{ id: 'm1', from: 'Alerts <alerts@example.test>', subject: 'Disk 90% full', date: new Date(now - 60_000).toISOString(), labelIds: ['INBOX', 'UNREAD'] }],
      files: [{ id: 'f1', name: 'Network plan', mimeType: 'application/vnd.google-apps.document', modifiedTime: new Date(now - 3_600_000).toISOString(), webViewLink: 'https://docs.google.com/d/f1' }],
    });
    dash = await startDashboard({ env: { ...fake.env(), DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` } });
    admin = await dash.as('admin');
    viewer = await dash.as('viewer');
    session = await adminCookie(dash.url);
    db = new pg.Pool({ connectionString: dash.database.url, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await dash?.close();
    await fake?.close();
  });

  it('connects through consent and callback, asking for exactly the documented scopes', async () => {
    expect((await viewer.get('/api/google')).json<GoogleStatus>()).toEqual({ configured: true, connected: false, needsReconnect: false, email: null, scopes: [], error: null });
    fake.setAccessTokenTtl(60); // expires inside the refresh window: the first read must refresh

    const steps = await connectThroughBrowser(dash, fake, session);
    fake.setAccessTokenTtl(3599); // what Google issues from now on
    expect(steps.callbackUrl.startsWith(`${dash.url}/api/google/callback?`)).toBe(true);
    expect(cookieFrom(steps.connect, 'homelab_google')).toMatch(/; Max-Age=600; Path=\/api\/google\/callback; HttpOnly; Secure; SameSite=Lax$/);
    expect(steps.callback.status).toBe(302);
    expect(steps.callback.headers.get('location')).toBe('/google');
    expect(cookieFrom(steps.callback, 'homelab_google')).toMatch(/^homelab_google=; Max-Age=0/);

    const authorization = fake.authorizations.at(-1);
    expect(authorization).toMatchObject({ scopes: SCOPES, accessType: 'offline', prompt: 'consent', codeChallengeMethod: 'S256', hasCodeChallenge: true });
    expect(authorization?.redirectUri).toBe(`${dash.url}/api/google/callback`);
    const status = (await viewer.get('/api/google')).json<GoogleStatus>();
    expect(status).toMatchObject({ configured: true, connected: true, needsReconnect: false, email: 'owner@example.test', error: null });
    expect(status.scopes).toContain('https://www.googleapis.com/auth/gmail.metadata');
  });

  it('stores the tokens encrypted: the row holds no plain token', async () => {
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM google_account');
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(rows[0]);
    expect(fake.issuedTokens.length).toBeGreaterThanOrEqual(2);
    for (const token of fake.issuedTokens) expect(text).not.toContain(token);
    expect(rows[0]?.['refresh_token_secret']).toMatch(/^v1\.k1\./);
  });

  it('serves the three reads to a viewer, refreshing the token before it expires and storing the new one', async () => {
    const calendar = await viewer.get('/api/google/calendar?days=3');
    expect(calendar.status).toBe(200);
    expect(calendar.json()).toEqual({ events: [{ id: 'ev1', summary: 'Backup window', start: expect.any(String), end: expect.any(String), allDay: false, location: null }] });
    expect(fake.tokenGrants['refresh_token']).toBe(1);
    const { rows } = await db.query<{ access_expires_at: Date; refreshed_at: Date | null }>('SELECT access_expires_at, refreshed_at FROM google_account');
    expect(rows[0]?.refreshed_at).not.toBeNull();
    expect(rows[0]?.access_expires_at.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);

    const gmail = await viewer.get('/api/google/gmail');
    expect(gmail.json()).toEqual({ unread: 1, latest: [{ id: 'm1', from: 'Alerts <alerts@example.test>', subject: 'Disk 90% full', date: fake.messages[0]?.date }] });
    const drive = await viewer.get('/api/google/drive');
    expect(drive.json()).toEqual({ files: [{ id: 'f1', name: 'Network plan', mimeType: 'application/vnd.google-apps.document', modifiedTime: fake.files[0]?.modifiedTime, webViewLink: 'https://docs.google.com/d/f1' }] });
    expect(fake.tokenGrants['refresh_token']).toBe(1);

    const bad = await viewer.get('/api/google/calendar?days=90');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'GOOGLE_REQUEST_INVALID', message: expect.stringContaining('days') } });
  });

  it('refuses a forged callback and a replayed one, and keeps the connection', async () => {
    const before = (await db.query('SELECT generation FROM google_account')).rows[0];
    const steps = await connectThroughBrowser(dash, fake, session);
    expect(steps.callback.headers.get('location')).toBe('/google');
    const generation = (await db.query('SELECT generation FROM google_account')).rows[0];
    expect(generation).not.toEqual(before);

    // replayed: same URL, same cookie — Google redeems a code only once
    const replay = await fetch(steps.callbackUrl, { redirect: 'manual', headers: { cookie: steps.pending } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/google?error=exchange_failed');
    // forged: someone else's browser (no pending connection), or a made-up state
    const forged = await fetch(steps.callbackUrl, { redirect: 'manual' });
    expect(forged.headers.get('location')).toBe('/google?error=state_invalid');
    const madeUp = await fetch(`${dash.url}/api/google/callback?code=4/abc&state=xyz`, { redirect: 'manual', headers: { cookie: steps.pending } });
    expect(madeUp.headers.get('location')).toBe('/google?error=state_invalid');

    expect((await db.query('SELECT generation FROM google_account')).rows[0]).toEqual(generation);
    expect((await viewer.get('/api/google')).json<GoogleStatus>().connected).toBe(true);
  });

  it("offers Jarvis the three read-only Google tools", async () => {
    const status = await viewer.get('/api/jarvis/status');
    expect(status.status).toBe(200);
    const tools = status.json<{ tools: { name: string; readOnly: boolean }[] }>().tools.filter((tool) => /^(calendar|gmail|drive)_/.test(tool.name));
    expect(tools.map((tool) => [tool.name, tool.readOnly])).toEqual([
      ['calendar_upcoming', true],
      ['gmail_unread', true],
      ['drive_recent', true],
    ]);
  });

  it('lets viewers read but not connect or disconnect; anonymous gets nothing', async () => {
    expect((await viewer.get('/api/google/connect')).status).toBe(403);
    expect((await viewer.post('/api/google/disconnect')).status).toBe(403);
    const anonymous = await fetch(`${dash.url}/api/google`);
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${dash.url}/api/google/connect`, { redirect: 'manual' })).status).toBe(401);
    expect((await admin.get('/api/google')).status).toBe(200);
  });

  it('after a revocation at Google: 409 GOOGLE_RECONNECT_REQUIRED, the status asks to reconnect, and reconnecting works', async () => {
    fake.revokeAll();
    fake.expireAccessTokens();
    const refused = await viewer.get('/api/google/calendar?days=5');
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'GOOGLE_RECONNECT_REQUIRED' } });
    const status = (await viewer.get('/api/google')).json<GoogleStatus>();
    expect(status).toMatchObject({ connected: true, needsReconnect: true });
    expect(status.error).toMatch(/connect again/);

    const steps = await connectThroughBrowser(dash, fake, session);
    expect(steps.callback.headers.get('location')).toBe('/google');
    expect((await viewer.get('/api/google')).json<GoogleStatus>()).toMatchObject({ connected: true, needsReconnect: false, error: null });
    expect((await viewer.get('/api/google/calendar?days=5')).status).toBe(200);
  });

  it('disconnect revokes the grant at Google and deletes the tokens', async () => {
    const revocations = fake.revocations;
    const answer = await admin.post('/api/google/disconnect');
    expect(answer.status).toBe(204);
    expect(fake.revocations).toBe(revocations + 1);
    expect(fake.liveGrants()).toBe(0);
    expect((await db.query('SELECT 1 FROM google_account')).rowCount).toBe(0);
    expect((await viewer.get('/api/google')).json<GoogleStatus>()).toMatchObject({ connected: false, needsReconnect: false });
    const read = await viewer.get('/api/google/drive');
    expect(read.status).toBe(409);
    expect(read.json()).toMatchObject({ error: { code: 'GOOGLE_NOT_CONNECTED' } });
  });
});

describe('Google not set up', () => {
  it('without a client: configured false, connecting redirects with not_configured', async () => {
    const dash = await startDashboard();
    try {
      const session = await (async () => {
        await dash.as('admin');
        return adminCookie(dash.url);
      })();
      const viewer = await dash.as('viewer');
      expect((await viewer.get('/api/google')).json()).toEqual({ configured: false, connected: false, needsReconnect: false, email: null, scopes: [], error: null });
      const connect = await fetch(`${dash.url}/api/google/connect`, { redirect: 'manual', headers: { cookie: session } });
      expect(connect.status).toBe(302);
      expect(connect.headers.get('location')).toBe('/google?error=not_configured');
      expect((await viewer.get('/api/google/gmail')).json()).toMatchObject({ error: { code: 'GOOGLE_NOT_CONFIGURED' } });
      const tools = (await viewer.get('/api/jarvis/status')).json<{ tools: { name: string }[] }>().tools.map((tool) => tool.name);
      expect(tools).not.toContain('calendar_upcoming');
    } finally {
      await dash.close();
    }
  });

  it('without DATA_ENCRYPTION_KEYS: the status names it and connecting is refused before Google is asked', async () => {
    const fake = await startGoogleFake(CLIENT);
    const dash = await startDashboard({ env: fake.env() });
    try {
      await dash.as('admin');
      const session = await adminCookie(dash.url);
      const status = (await (await dash.as('viewer')).get('/api/google')).json<GoogleStatus>();
      expect(status).toMatchObject({ configured: true, connected: false });
      expect(status.error).toMatch(/DATA_ENCRYPTION_KEYS/);
      const connect = await fetch(`${dash.url}/api/google/connect`, { redirect: 'manual', headers: { cookie: session } });
      expect(connect.headers.get('location')).toBe('/google?error=encryption_keys_missing');
      expect(fake.authorizations).toHaveLength(0);
    } finally {
      await dash.close();
      await fake.close();
    }
  });
});
