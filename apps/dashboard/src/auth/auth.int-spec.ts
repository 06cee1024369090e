import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, HARNESS_ADMIN, startDashboard, type ApiResponse, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard, PostgreSQL, NATS, argon2id, @fastify/cookie, @fastify/csrf, helmet (headers computed once).

interface LoginAnswer {
  user: { id: string; username: string; role: string; provider: string; lastLoginAt: string | null };
  csrfToken: string;
}

async function rawLogin(dash: DashboardHarness, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** fetch() will not send a made-up Host header; node:http will. */
function loginWithHost(dash: DashboardHarness, host: string): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(HARNESS_ADMIN);
    const request = httpRequest(
      `${dash.url}/api/auth/login`,
      { method: 'POST', headers: { host, origin: `http://${host}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, setCookie: response.headers['set-cookie'] ?? [] }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function cookiePair(response: Response): string {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('homelab_session='));
  if (line === undefined) throw new Error('no session cookie');
  return line.split(';')[0] as string;
}

function codeOf(response: ApiResponse): string | undefined {
  return response.json<{ error?: { code?: string } }>().error?.code;
}

describe('login, sessions and CSRF over HTTP', () => {
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard();
    await dash.as('admin');
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('sets a session cookie with HttpOnly, SameSite=Strict, Path=/, Secure on loopback, and answers the user and a CSRF token', async () => {
    const response = await rawLogin(dash, HARNESS_ADMIN);
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('homelab_session=')) ?? '';
    expect(cookie).toMatch(/^homelab_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Max-Age=43200/);
    const body = (await response.json()) as LoginAnswer;
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', provider: 'local' });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.csrfToken.length).toBeGreaterThan(20);
  });

  it('omits Secure on a plain-HTTP request to a non-loopback host name', async () => {
    const response = await loginWithHost(dash, 'dash.lan:8080');
    expect(response.status).toBe(200);
    const cookie = response.setCookie.find((line) => line.startsWith('homelab_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toMatch(/Secure/i);
    // and localhost keeps it: browsers treat loopback as a secure context
    expect((await loginWithHost(dash, 'localhost:8080')).setCookie.join()).toMatch(/; Secure/);
  });

  it('stores only the SHA-256 of the token and issues a new session on every login', async () => {
    const first = cookiePair(await rawLogin(dash, HARNESS_ADMIN));
    const second = await rawLogin(dash, HARNESS_ADMIN, { cookie: first });
    // logged in already: the CSRF header is required, so the old session cannot be replayed into a login
    expect(second.status).toBe(403);
    const status = await fetch(`${dash.url}/api/auth/status`, { headers: { cookie: first } });
    const { csrfToken } = (await status.json()) as { csrfToken: string };
    const third = await rawLogin(dash, HARNESS_ADMIN, { cookie: first, 'x-csrf-token': csrfToken });
    expect(third.status).toBe(200);
    const next = cookiePair(third);
    expect(next).not.toBe(first);
    // the session the browser had before the login has ended
    const old = await fetch(`${dash.url}/api/users`, { headers: { cookie: first } });
    expect(old.status).toBe(401);
    const rows = await dash.running.runtime.database.pool.query<{ id: string }>('select id from user_session');
    const token = next.split('=')[1] as string;
    expect(rows.rows.every((row) => /^[0-9a-f]{64}$/.test(row.id))).toBe(true);
    expect(rows.rows.some((row) => row.id === token)).toBe(false);
  });

  it('answers the status for anonymous and logged-in callers', async () => {
    const anonymous = await (await dash.as('anonymous')).get('/api/auth/status');
    expect(anonymous.json()).toEqual({ setupRequired: false, oidc: { enabled: false, label: null }, user: null, csrfToken: null });
    const admin = await (await dash.as('admin')).get('/api/auth/status');
    expect(admin.json()).toMatchObject({ setupRequired: false, user: { username: 'admin', role: 'admin' }, csrfToken: expect.any(String) });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await rawLogin(dash, { username: 'admin', password: 'not-the-password-at-all' });
    const unknown = await rawLogin(dash, { username: 'nobody-here', password: 'not-the-password-at-all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('requires the dashboard\'s own Origin and a JSON body on the public login (login CSRF)', async () => {
    const foreign = await rawLogin(dash, HARNESS_ADMIN, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_INVALID');
    const noOrigin = await fetch(`${dash.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HARNESS_ADMIN) });
    expect(noOrigin.status).toBe(403);
    const text = await fetch(`${dash.url}/api/auth/login`, { method: 'POST', headers: { origin: dash.url, 'content-type': 'text/plain' }, body: JSON.stringify(HARNESS_ADMIN) });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('JSON_REQUIRED');
  });

  it('requires a valid X-CSRF-Token on changes made with a session', async () => {
    const cookie = cookiePair(await rawLogin(dash, HARNESS_ADMIN));
    const create = (headers: Record<string, string>) =>
      fetch(`${dash.url}/api/users`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ username: 'csrf-check', password: 'a-long-enough-passphrase-7', role: 'viewer' }),
      });
    const missing = await create({});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('CSRF_INVALID');
    const other = await (await dash.as('admin')).get('/api/auth/status');
    // a token of another session does not fit this one
    expect((await create({ 'x-csrf-token': other.json<{ csrfToken: string }>().csrfToken })).status).toBe(403);
    const status = await fetch(`${dash.url}/api/auth/status`, { headers: { cookie } });
    const own = ((await status.json()) as { csrfToken: string }).csrfToken;
    expect((await create({ 'x-csrf-token': own })).status).toBe(201);
  });

  it('sends security headers on every answer', async () => {
    for (const path of ['/api/auth/status', '/health', '/api/users']) {
      const response = await fetch(`${dash.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), 'no HSTS on plain HTTP').toBeNull();
    }
    expect((await fetch(`${dash.url}/api/auth/status`)).headers.get('cache-control')).toBe('no-store');
  });

  it('logs out: the cookie is cleared and the session is gone', async () => {
    const login = await rawLogin(dash, HARNESS_ADMIN);
    const { csrfToken } = (await login.json()) as LoginAnswer;
    const client = apiClient(dash.url, { cookie: cookiePair(login), csrfToken });
    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/homelab_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await client.get('/api/users')).status).toBe(401);
    expect((await client.post('/api/auth/logout')).status).toBe(401);
  });
});

describe('users API', () => {
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard();
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('lists, creates, updates and deletes accounts, keeping the last admin', async () => {
    const admin = await dash.as('admin');
    const created = await admin.post('/api/users', { username: 'alice', password: 'alice-has-a-long-passphrase-1', role: 'viewer' });
    expect(created.status).toBe(201);
    const alice = created.json<{ id: string; role: string; provider: string; disabled: boolean; createdAt: string; lastLoginAt: string | null; displayName: string | null }>();
    expect(alice).toMatchObject({ username: 'alice', role: 'viewer', provider: 'local', disabled: false, lastLoginAt: null, displayName: null });
    expect(codeOf(await admin.post('/api/users', { username: 'alice', password: 'alice-has-a-long-passphrase-1', role: 'viewer' }))).toBe('USERNAME_TAKEN');
    expect(codeOf(await admin.post('/api/users', { username: 'bob', password: 'password123', role: 'viewer' }))).toBe('WEAK_PASSWORD');
    const bad = await admin.post('/api/users', { username: 'bad name', password: 'x', role: 'root' });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/username/);

    const list = await admin.get('/api/users');
    expect(list.json<{ users: { username: string }[] }>().users.map((user) => user.username)).toEqual(['admin', 'alice']);

    const adminId = list.json<{ users: { id: string; username: string }[] }>().users.find((user) => user.username === 'admin')?.id ?? '';
    expect(codeOf(await admin.patch(`/api/users/${adminId}`, { role: 'viewer' }))).toBe('LAST_ADMIN');
    expect(codeOf(await admin.patch(`/api/users/${adminId}`, { disabled: true }))).toBe('LAST_ADMIN');
    expect(codeOf(await admin.delete(`/api/users/${adminId}`))).toBe('CANNOT_DELETE_SELF');
    expect((await admin.patch(`/api/users/${alice.id}`, { role: 'admin' })).json()).toMatchObject({ role: 'admin' });
    expect((await admin.patch(`/api/users/${adminId}`, { role: 'viewer' })).status).toBe(200);
    expect((await admin.patch(`/api/users/${adminId}`, { role: 'admin' })).status).toBe(403);
    expect((await admin.get('/api/users')).status).toBe(403);
  });

  it('answers 404 for an unknown or malformed user id', async () => {
    const other = await startDashboard();
    try {
      const admin = await other.as('admin');
      expect(codeOf(await admin.patch('/api/users/not-a-uuid', { role: 'viewer' }))).toBe('USER_NOT_FOUND');
      expect((await admin.delete('/api/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect(codeOf(await admin.patch('/api/users/00000000-0000-4000-8000-000000000000', {}))).toBe('INVALID_INPUT');
    } finally {
      await other.close();
    }
  });
});

describe('disabling a user and changing passwords', () => {
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard();
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('disabling ends the user\'s sessions and refuses new logins', async () => {
    const admin = await dash.as('admin');
    const viewer = await dash.as('viewer');
    expect((await viewer.get('/api/auth/status')).json()).toMatchObject({ user: { username: 'viewer' } });
    const id = (await admin.get('/api/users')).json<{ users: { id: string; username: string }[] }>().users.find((user) => user.username === 'viewer')?.id;
    expect((await admin.patch(`/api/users/${id}`, { disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await viewer.get('/api/auth/status')).json()).toMatchObject({ user: null });
    expect((await rawLogin(dash, { username: 'viewer', password: 'harness-viewer-passphrase-1' })).status).toBe(401);
    await admin.patch(`/api/users/${id}`, { disabled: false });
    expect((await rawLogin(dash, { username: 'viewer', password: 'harness-viewer-passphrase-1' })).status).toBe(200);
  });

  it('changing your password keeps this session, ends the others, and checks the current one', async () => {
    await dash.as('admin');
    await dash.as('viewer');
    const login = async (password: string) => {
      const response = await rawLogin(dash, { username: 'viewer', password });
      return apiClient(dash.url, { cookie: cookiePair(response), csrfToken: ((await response.json()) as LoginAnswer).csrfToken });
    };
    const here = await login('harness-viewer-passphrase-1');
    const elsewhere = await login('harness-viewer-passphrase-1');
    expect(codeOf(await here.post('/api/auth/password', { currentPassword: 'wrong-password-entirely', newPassword: 'a-brand-new-passphrase-9' }))).toBe('CURRENT_PASSWORD_WRONG');
    expect(codeOf(await here.post('/api/auth/password', { currentPassword: 'harness-viewer-passphrase-1', newPassword: 'short' }))).toBe('WEAK_PASSWORD');
    expect((await here.post('/api/auth/password', { currentPassword: 'harness-viewer-passphrase-1', newPassword: 'a-brand-new-passphrase-9' })).status).toBe(204);
    expect((await here.get('/api/auth/status')).json()).toMatchObject({ user: { username: 'viewer' } });
    expect((await elsewhere.get('/api/auth/status')).json()).toMatchObject({ user: null });
    expect((await rawLogin(dash, { username: 'viewer', password: 'harness-viewer-passphrase-1' })).status).toBe(401);
    expect((await rawLogin(dash, { username: 'viewer', password: 'a-brand-new-passphrase-9' })).status).toBe(200);
  });
});
