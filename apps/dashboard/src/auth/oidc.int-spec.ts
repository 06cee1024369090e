import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOidcFake, type OidcFake } from '@homelab/testing';
import { startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard, openid-client 6 (discovery, PKCE, ID token signature and claims
// checks), PostgreSQL, NATS. Fake: the identity provider (libs/testing's OIDC fake, real protocol).

const CLIENT_ID = 'dashboard';
const CLIENT_SECRET = randomBytes(24).toString('base64url');

let fake: OidcFake;
let dash: DashboardHarness;

/** What a browser keeps: cookies by name. */
class Browser {
  readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '' || /Expires=Thu, 01 Jan 1970/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Starts SSO at the dashboard, lets the fake approve, and returns the callback URL the provider sends back. */
  async authorize(loginHint?: string): Promise<{ start: Response; callback: string }> {
    const start = await this.get(`${dash.url}/api/auth/oidc/login`);
    const location = new URL(start.headers.get('location') ?? '');
    if (loginHint !== undefined) location.searchParams.set('login_hint', loginHint);
    const approved = await fetch(location, { redirect: 'manual' });
    return { start, callback: approved.headers.get('location') ?? '' };
  }

  async signIn(loginHint?: string): Promise<Response> {
    const { callback } = await this.authorize(loginHint);
    return this.get(callback);
  }

  async status(): Promise<{ user: { username: string; role: string; provider: string; displayName: string | null } | null }> {
    return (await (await this.get(`${dash.url}/api/auth/status`)).json()) as { user: { username: string; role: string; provider: string; displayName: string | null } | null };
  }
}

beforeAll(async () => {
  fake = await startOidcFake({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    users: [
      { sub: 'alice-sub', email: 'alice@home.example', name: 'Alice', groups: ['homelab-admins'], preferredUsername: 'alice' },
      { sub: 'bob-sub', email: 'bob@home.example', name: 'Bob', groups: ['family'], preferredUsername: 'bob' },
      { sub: 'mallory-sub', name: 'Mallory', groups: ['homelab-admins'], preferredUsername: 'admin' },
    ],
  });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  dash = await startDashboard({
    env: {
      HTTP_PORT: String(port),
      DASHBOARD_PUBLIC_URL: publicUrl,
      OIDC_ISSUER_URL: fake.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_ADMIN_GROUPS: 'homelab-admins',
    },
  });
  await dash.as('admin');
});

afterAll(async () => {
  await dash?.close();
  await fake?.close();
});

describe('single sign-on against an OIDC provider', () => {
  it('announces SSO on the status endpoint', async () => {
    expect(await (await fetch(`${dash.url}/api/auth/status`)).json()).toMatchObject({ oidc: { enabled: true, label: new URL(fake.issuer).host } });
  });

  it('logs an admin-group member in end to end and creates the account once', async () => {
    const browser = new Browser();
    const { start, callback } = await browser.authorize('alice-sub');
    expect(start.status).toBe(302);
    const preLogin = start.headers.getSetCookie().find((line) => line.startsWith('homelab_oidc=')) ?? '';
    expect(preLogin).toMatch(/HttpOnly/i);
    expect(preLogin).toMatch(/SameSite=Lax/i);
    expect(preLogin).toMatch(/Path=\/api\/auth\/oidc/);
    expect(preLogin).toMatch(/Max-Age=600/);
    expect(new URL(callback).pathname).toBe('/api/auth/oidc/callback');
    const done = await browser.get(callback);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/');
    expect(browser.cookies.has('homelab_oidc')).toBe(false);
    expect(await browser.status()).toMatchObject({ user: { username: 'alice', role: 'admin', provider: 'oidc', displayName: 'Alice' } });
    await new Browser().signIn('alice-sub');
    const users = await (await dash.as('admin')).get('/api/users');
    expect(users.json<{ users: { username: string }[] }>().users.filter((user) => user.username === 'alice')).toHaveLength(1);
  });

  it('maps other users to viewer and never merges an identity into a local account of the same name', async () => {
    const bob = new Browser();
    await bob.signIn('bob-sub');
    expect(await bob.status()).toMatchObject({ user: { username: 'bob', role: 'viewer' } });
    const mallory = new Browser();
    await mallory.signIn('mallory-sub');
    const user = (await mallory.status()).user;
    expect(user?.username).toMatch(/^admin~[0-9a-f]{8}$/);
    expect(user?.provider).toBe('oidc');
  });

  it('refuses a callback carried into another browser (no pre-login cookie, or someone else\'s)', async () => {
    const attacker = new Browser();
    const { callback } = await attacker.authorize('alice-sub');
    const victim = new Browser();
    const refused = await victim.get(callback);
    expect(refused.headers.get('location')).toBe('/login?error=oidc_refused');
    expect(await victim.status()).toMatchObject({ user: null });
    await victim.get(`${dash.url}/api/auth/oidc/login`); // the victim has a pre-login cookie of their own
    expect((await victim.get(callback)).headers.get('location')).toBe('/login?error=oidc_refused');
    expect(await victim.status()).toMatchObject({ user: null });
  });

  it('refuses a tampered ID token and a denied consent', async () => {
    const browser = new Browser();
    const { callback } = await browser.authorize('alice-sub');
    fake.tamperNextIdToken({ claims: { aud: 'someone-else' } });
    expect((await browser.get(callback)).headers.get('location')).toBe('/login?error=oidc_refused');
    fake.denyNextAuthorization();
    expect((await browser.signIn('alice-sub')).headers.get('location')).toBe('/login?error=oidc_refused');
    expect(await browser.status()).toMatchObject({ user: null });
  });

  it('refuses a disabled account and re-evaluates the role at each login', async () => {
    const admin = await dash.as('admin');
    const bobId = (await admin.get('/api/users')).json<{ users: { id: string; username: string }[] }>().users.find((user) => user.username === 'bob')?.id;
    await admin.patch(`/api/users/${bobId}`, { disabled: true });
    const browser = new Browser();
    expect((await browser.signIn('bob-sub')).headers.get('location')).toBe('/login?error=account_disabled');
    await admin.patch(`/api/users/${bobId}`, { disabled: false, role: 'admin' });
    await browser.signIn('bob-sub');
    // bob is not in the admin group: the provider's word wins at login
    expect(await browser.status()).toMatchObject({ user: { username: 'bob', role: 'viewer' } });
  });

  it('has no password to change for an SSO account', async () => {
    const browser = new Browser();
    await browser.signIn('bob-sub');
    const status = (await (await browser.get(`${dash.url}/api/auth/status`)).json()) as { csrfToken: string };
    const answer = await fetch(`${dash.url}/api/auth/password`, {
      method: 'POST',
      headers: {
        cookie: `homelab_session=${browser.cookies.get('homelab_session') ?? ''}`,
        'x-csrf-token': status.csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ currentPassword: 'whatever-it-is-now', newPassword: 'a-brand-new-passphrase-9' }),
    });
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_NOT_LOCAL');
  });
});

describe('single sign-on when it is not configured or the provider is down', () => {
  it('sends the browser back to the login page with a reason', async () => {
    const plain = await startDashboard();
    try {
      const response = await fetch(`${plain.url}/api/auth/oidc/login`, { redirect: 'manual' });
      expect(response.headers.get('location')).toBe('/login?error=oidc_disabled');
    } finally {
      await plain.close();
    }
    const port = await freePort();
    const down = await startDashboard({
      env: {
        OIDC_ISSUER_URL: `http://127.0.0.1:${await freePort()}`,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        HTTP_PORT: String(port),
        DASHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
    });
    try {
      // the dashboard started although the provider is unreachable
      const response = await fetch(`${down.url}/api/auth/oidc/login`, { redirect: 'manual' });
      expect(response.headers.get('location')).toBe('/login?error=oidc_unavailable');
    } finally {
      await down.close();
    }
  });
});
