import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@homelab/testing';
import { apiClient, HARNESS_ADMIN, startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: two whole dashboards sharing one PostgreSQL database and one NATS subject prefix,
// as two replicas behind a load balancer would.

async function login(dash: DashboardHarness, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function clientFor(dash: DashboardHarness, response: Response): Promise<{ cookie: string; csrfToken: string }> {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('homelab_session='));
  if (response.status !== 200 || line === undefined) throw new Error(`login failed: ${response.status}`);
  return { cookie: line.split(';')[0] as string, csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken };
}

function rowIdOf(session: { cookie: string }): string {
  return createHash('sha256').update(session.cookie.slice('homelab_session='.length)).digest('hex');
}

async function loggedInUser(client: ApiClient): Promise<string | null> {
  return (await client.get('/api/auth/status')).json<{ user: { username: string } | null }>().user?.username ?? null;
}

describe('sessions across two replicas', () => {
  let a: DashboardHarness;
  let b: DashboardHarness;
  beforeAll(async () => {
    a = await startDashboard();
    b = await startDashboard({ database: a.database, subjectPrefix: a.subjectPrefix });
    await a.as('admin');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a session made on one replica works on the other, and a logout on one ends it on both at once', async () => {
    const session = await clientFor(a, await login(a, HARNESS_ADMIN));
    const onA = apiClient(a.url, session);
    const onB = apiClient(b.url, session);
    expect(await loggedInUser(onB)).toBe('admin');
    expect(await loggedInUser(onA)).toBe('admin'); // both replicas now hold it in their cache
    expect((await onA.post('/api/auth/logout')).status).toBe(204);
    // well inside the 5 s cache lifetime: only the revocation event can explain it
    const started = Date.now();
    await waitFor(async () => ((await loggedInUser(onB)) === null ? true : undefined), { timeoutMs: 2_000, intervalMs: 25, message: 'replica B dropped the session' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('disabling a user on one replica logs them out on the other', async () => {
    const admin = await a.as('admin');
    await a.as('viewer');
    const viewer = apiClient(b.url, await clientFor(b, await login(b, { username: 'viewer', password: 'harness-viewer-passphrase-1' })));
    expect(await loggedInUser(viewer)).toBe('viewer');
    const id = (await admin.get('/api/users')).json<{ users: { id: string; username: string }[] }>().users.find((user) => user.username === 'viewer')?.id;
    await admin.patch(`/api/users/${id}`, { disabled: true });
    await waitFor(async () => ((await loggedInUser(viewer)) === null ? true : undefined), { timeoutMs: 2_000, intervalMs: 25, message: 'viewer logged out on B' });
    await admin.patch(`/api/users/${id}`, { disabled: false });
  });

  it('a role change applies on the other replica at once', async () => {
    const admin = await a.as('admin');
    await a.as('viewer');
    const viewer = apiClient(b.url, await clientFor(b, await login(b, { username: 'viewer', password: 'harness-viewer-passphrase-1' })));
    expect((await viewer.get('/api/users')).status).toBe(403);
    const id = (await admin.get('/api/users')).json<{ users: { id: string; username: string }[] }>().users.find((user) => user.username === 'viewer')?.id;
    await admin.patch(`/api/users/${id}`, { role: 'admin' });
    await waitFor(async () => ((await viewer.get('/api/users')).status === 200 ? true : undefined), { timeoutMs: 2_000, intervalMs: 25, message: 'promotion seen on B' });
    await admin.patch(`/api/users/${id}`, { role: 'viewer' });
  });

  it('ends sessions past their absolute lifetime or idle limit', async () => {
    const pool = a.running.runtime.database.pool;
    const expired = await clientFor(a, await login(a, HARNESS_ADMIN));
    const idle = await clientFor(a, await login(a, HARNESS_ADMIN));
    const expiredOnA = apiClient(a.url, expired);
    expect(await loggedInUser(expiredOnA)).toBe('admin');
    const moved = await pool.query(`update user_session set expires_at = now() - interval '1 second' where id = $1`, [rowIdOf(expired)]);
    // the default idle limit is 120 minutes
    const aged = await pool.query(`update user_session set last_seen_at = now() - interval '121 minutes' where id = $1`, [rowIdOf(idle)]);
    expect([moved.rowCount, aged.rowCount]).toEqual([1, 1]);
    // replica B has never cached them: it sees the database at once
    expect(await loggedInUser(apiClient(b.url, expired))).toBeNull();
    expect(await loggedInUser(apiClient(b.url, idle))).toBeNull();
    // replica A trusted its cache for at most a few seconds
    await waitFor(async () => ((await loggedInUser(expiredOnA)) === null ? true : undefined), { timeoutMs: 8_000, intervalMs: 200, message: 'replica A noticed the expiry' });
    // and the rows are gone
    await waitFor(async () => ((await pool.query('select 1 from user_session where id = any($1)', [[rowIdOf(expired), rowIdOf(idle)]])).rowCount === 0 ? true : undefined), {
      timeoutMs: 2_000,
      message: 'expired rows deleted',
    });
  });

  it('throttles last_seen_at writes: a burst of requests writes at most once', async () => {
    const pool = a.running.runtime.database.pool;
    const session = apiClient(a.url, await clientFor(a, await login(a, HARNESS_ADMIN)));
    const before = await pool.query<{ last_seen_at: Date }>('select last_seen_at from user_session order by created_at desc limit 1');
    for (let i = 0; i < 20; i += 1) await session.get('/api/auth/status');
    const after = await pool.query<{ last_seen_at: Date }>('select last_seen_at from user_session order by created_at desc limit 1');
    expect(after.rows[0]?.last_seen_at.getTime()).toBe(before.rows[0]?.last_seen_at.getTime());
  });
});

describe('login rate limits shared by replicas', () => {
  let a: DashboardHarness;
  let b: DashboardHarness;
  beforeAll(async () => {
    const env = { DASHBOARD_LOGIN_ATTEMPTS: '3', DASHBOARD_TRUST_PROXY: 'true' };
    a = await startDashboard({ env });
    b = await startDashboard({ env, database: a.database, subjectPrefix: a.subjectPrefix });
    await a.as('admin');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('answers 429 TOO_MANY_ATTEMPTS with Retry-After once one address used up its attempts on either replica', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const statuses = [
      (await login(a, { username: 'u1', password: 'wrong-password-1' }, from)).status,
      (await login(b, { username: 'u2', password: 'wrong-password-1' }, from)).status,
      (await login(a, { username: 'u3', password: 'wrong-password-1' }, from)).status,
    ];
    expect(statuses).toEqual([401, 401, 401]);
    const blocked = await login(b, HARNESS_ADMIN, from);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await blocked.json()).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS', details: { retryAfterSeconds: retryAfter } } });
    // another address is not affected
    expect((await login(a, HARNESS_ADMIN, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
  });

  it('limits one user name across addresses, known or not, and ignores a forged X-Forwarded-For head', async () => {
    const admin = await a.as('admin');
    expect((await admin.post('/api/users', { username: 'carol', password: 'carol-has-a-long-passphrase-3', role: 'viewer' })).status).toBe(201);
    for (const name of ['carol', 'no-such-user']) {
      const answers: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        // the client prepends made-up addresses; only the last entry (our proxy's) counts
        answers.push((await login(i % 2 ? a : b, { username: name, password: 'wrong-password-2' }, { 'x-forwarded-for': `10.9.${i}.1, 198.51.100.${name.length + i}` })).status);
      }
      expect(answers, name).toEqual([401, 401, 401, 429]);
    }
  });

  it('trusts X-Forwarded-Proto from the proxy for HSTS', async () => {
    const response = await login(a, HARNESS_ADMIN, { 'x-forwarded-for': '198.51.100.200', 'x-forwarded-proto': 'https', host: 'dash.example', origin: 'https://dash.example' });
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  });
});
