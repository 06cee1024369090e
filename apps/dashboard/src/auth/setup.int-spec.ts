import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@homelab/config';
import { startService } from '@homelab/platform';
import { createTestDatabase, natsUrl, serviceTestEnv, uniqueSubjectPrefix, type TestDatabase } from '@homelab/testing';
import { serviceSpec } from '../service.js';
import { startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard on a fresh PostgreSQL database, NATS, argon2id.

const TOKEN = 'harness-setup-token-0123456789abcdef';

function setup(dash: DashboardHarness, body: unknown): Promise<Response> {
  return fetch(`${dash.url}/api/auth/setup`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function codeOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

const started: DashboardHarness[] = [];
async function start(env: Record<string, string> = {}): Promise<DashboardHarness> {
  const dash = await startDashboard({ env });
  started.push(dash);
  return dash;
}

afterAll(async () => {
  await Promise.all(started.map((dash) => dash.close()));
});

describe('the one-time setup page', () => {
  it('creates exactly one first admin when several requests race', async () => {
    const dash = await start();
    expect((await (await fetch(`${dash.url}/api/auth/status`)).json()) as object).toMatchObject({ setupRequired: true, user: null });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => setup(dash, { token: TOKEN, username: `first-${i}`, password: 'a-strong-first-passphrase-1' })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = answers.find((answer) => answer.status === 201) as Response;
    expect(winner.headers.getSetCookie().join()).toMatch(/homelab_session=/);
    expect((await winner.json()) as object).toMatchObject({ user: { role: 'admin', provider: 'local' }, csrfToken: expect.any(String) });
    for (const loser of answers.filter((answer) => answer.status === 409)) expect(await codeOf(loser)).toBe('SETUP_DONE');
    const count = await dash.running.runtime.database.pool.query<{ n: number }>('select count(*)::int as n from app_user');
    expect(count.rows[0]?.n).toBe(1);
    expect((await (await fetch(`${dash.url}/api/auth/status`)).json()) as object).toMatchObject({ setupRequired: false });
  });

  it('refuses a wrong token and a weak password, and creates nothing', async () => {
    const dash = await start();
    const wrong = await setup(dash, { token: `${TOKEN}x`, username: 'root', password: 'a-strong-first-passphrase-1' });
    expect(wrong.status).toBe(403);
    expect(await codeOf(wrong)).toBe('SETUP_TOKEN_INVALID');
    const weak = await setup(dash, { token: TOKEN, username: 'root', password: 'Password2024!' });
    expect(weak.status).toBe(400);
    expect(await codeOf(weak)).toBe('WEAK_PASSWORD');
    expect((await (await fetch(`${dash.url}/api/auth/status`)).json()) as object).toMatchObject({ setupRequired: true });
  });

  it('refuses with a hint for the operator when no setup token is configured', async () => {
    const dash = await start({ DASHBOARD_SETUP_TOKEN: '' });
    const answer = await setup(dash, { token: 'anything-at-all-here', username: 'root', password: 'a-strong-first-passphrase-1' });
    expect(answer.status).toBe(403);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SETUP_NOT_CONFIGURED');
    expect(body.error.message).toContain('DASHBOARD_SETUP_TOKEN');
  });
});

describe('the admin account from the environment', () => {
  it('is created on first start and can log in; setup is then closed', async () => {
    const dash = await start({ DASHBOARD_ADMIN_USERNAME: 'owner', DASHBOARD_ADMIN_PASSWORD: 'owner-has-a-long-passphrase-5' });
    const status = (await (await fetch(`${dash.url}/api/auth/status`)).json()) as { setupRequired: boolean };
    expect(status.setupRequired).toBe(false);
    const admin = await dash.as('admin');
    expect((await admin.get('/api/auth/status')).json()).toMatchObject({ user: { username: 'owner', role: 'admin' } });
    expect(await codeOf(await setup(dash, { token: TOKEN, username: 'late', password: 'a-strong-first-passphrase-1' }))).toBe('SETUP_DONE');
  });

  describe('bad auth configuration stops start-up with one line naming the variable', () => {
    let database: TestDatabase;
    afterAll(async () => {
      await database?.drop();
    });

    const cases: [string, Record<string, string>, RegExp][] = [
      ['a weak admin password', { DASHBOARD_ADMIN_PASSWORD: 'password1234' }, /^Invalid configuration: DASHBOARD_ADMIN_PASSWORD is too weak: /],
      ['half an OIDC setup', { OIDC_ISSUER_URL: 'https://auth.example/app/' }, /^Invalid configuration: OIDC_CLIENT_ID is required when OIDC_ISSUER_URL is set/],
      [
        'OIDC without a public URL',
        { OIDC_ISSUER_URL: 'https://auth.example/app/', OIDC_CLIENT_ID: 'dash', OIDC_CLIENT_SECRET: 'client-secret-value' },
        /^Invalid configuration: DASHBOARD_PUBLIC_URL is required for single sign-on/,
      ],
      [
        'a plain-HTTP issuer off this machine',
        { OIDC_ISSUER_URL: 'http://auth.example/app/', OIDC_CLIENT_ID: 'dash', OIDC_CLIENT_SECRET: 'client-secret-value', DASHBOARD_PUBLIC_URL: 'https://dash.example' },
        /^Invalid configuration: OIDC_ISSUER_URL must be an https:\/\/ address/,
      ],
    ];
    it.each(cases)('%s', async (_name, extra, message) => {
      database ??= await createTestDatabase('dashboard-config');
      const env = await serviceTestEnv({ databaseUrl: database.url, natsUrl: natsUrl(), subjectPrefix: uniqueSubjectPrefix('dashcfg'), extra });
      const failure = await startService(serviceSpec, env).then(
        async (running) => {
          await running.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as ConfigError).message).toMatch(message);
      expect((failure as ConfigError).message).not.toContain('password1234');
      expect((failure as ConfigError).message).not.toContain('client-secret-value');
    });
  });
});
