import { startOidcFake, type OidcFake } from '@homelab/testing';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import passport from 'passport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryOAuthStateStore, type OAuthStateStore } from './oauth-state.js';
import { OidcProviderError } from './oidc.js';
import { createOidcStrategy, type OidcRequest, type OidcStrategy, type OidcStrategyOptions } from './oidc-strategy.js';
import { runPassportStrategy } from './passport-runner.js';
import { computeCodeChallenge, createCodeVerifier } from './pkce.js';

const CLIENT_ID = 'dashboard';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const ADMIN_GROUP = 'homelab-admins';

let fake: OidcFake;
let app: FastifyInstance;
let baseUrl: string;
/** Strategies mounted by the test app, by path segment (`/auth/<name>/login`, `/auth/<name>/callback`). */
const strategies = new Map<string, OidcStrategy>();

function sessionFromCookie(request: OidcRequest): string | undefined {
  const cookie = request.headers?.['cookie'];
  const match = typeof cookie === 'string' ? /(?:^|;\s*)sid=([^;]+)/.exec(cookie) : null;
  return match?.[1];
}

/** What an application controller on Fastify does with a Passport outcome. */
async function handleAuth(request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply): Promise<unknown> {
  const strategy = strategies.get(request.params.name);
  if (strategy === undefined) return reply.code(404).send();
  const hint = (request.query as Record<string, string | undefined>)['login_hint'];
  const outcome = await runPassportStrategy(strategy, request, hint === undefined ? {} : { loginHint: hint });
  switch (outcome.kind) {
    case 'redirect':
      return reply.redirect(outcome.url, outcome.status);
    case 'success':
      return reply.send({ user: outcome.user });
    case 'fail':
      return reply.code(outcome.status).send(outcome.challenge ?? {});
    case 'pass':
      return reply.code(500).send();
  }
}

async function mountStrategy(name: string, overrides: Partial<OidcStrategyOptions> = {}): Promise<OidcStrategy> {
  const strategy = await createOidcStrategy({
    issuerUrl: fake.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: `${baseUrl}/auth/${name}/callback`,
    adminGroups: [ADMIN_GROUP],
    allowInsecureHttpForTesting: true,
    getSessionId: sessionFromCookie,
    name,
    ...overrides,
  });
  strategies.set(name, strategy);
  return strategy;
}

function get(url: string, sessionId?: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: sessionId === undefined ? {} : { cookie: `sid=${sessionId}` } });
}

/** Starts a login at the app and lets the fake provider approve it; returns the callback URL the browser would follow. */
async function authorize(name: string, sessionId: string, loginHint?: string): Promise<URL> {
  const query = loginHint === undefined ? '' : `?login_hint=${encodeURIComponent(loginHint)}`;
  const start = await get(`${baseUrl}/auth/${name}/login${query}`, sessionId);
  expect(start.status).toBe(302);
  const authorizeUrl = new URL(start.headers.get('location') ?? '');
  expect(authorizeUrl.origin).toBe(fake.issuer);
  const approved = await get(authorizeUrl.href);
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get('location') ?? '');
}

async function callback(url: URL, sessionId: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await get(url.href, sessionId);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  fake = await startOidcFake({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    users: [
      { sub: 'alice', email: 'alice@home.example', name: 'Alice', groups: [ADMIN_GROUP, 'family'], preferredUsername: 'alice' },
      { sub: 'bob', email: 'bob@home.example', name: 'Bob', groups: ['family'] },
      { sub: 'carol', name: 'Carol' },
    ],
  });
  app = Fastify({ logger: false });
  app.get('/auth/:name/login', handleAuth);
  app.get('/auth/:name/callback', handleAuth);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  await mountStrategy('oidc');
});

afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe('OIDC login against the fake provider', () => {
  it('logs an admin-group member in end to end', async () => {
    const before = { token: fake.requests['/token'] ?? 0, userinfo: fake.requests['/userinfo'] ?? 0 };
    const callbackUrl = await authorize('oidc', 'session-alice');
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(`${baseUrl}/auth/oidc/callback`);
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();

    const result = await callback(callbackUrl, 'session-alice');
    expect(result.status).toBe(200);
    expect(result.body['user']).toEqual({
      id: 'alice',
      username: 'alice',
      role: 'admin',
      provider: 'oidc',
      issuer: fake.issuer,
      subject: 'alice',
      email: 'alice@home.example',
      name: 'Alice',
      groups: [ADMIN_GROUP, 'family'],
    });
    expect(fake.requests['/token']).toBe(before.token + 1);
    expect(fake.requests['/userinfo']).toBe(before.userinfo + 1);
    expect(fake.requests['/jwks']).toBeGreaterThanOrEqual(1); // ID token signature was checked
  });

  it('sends S256 PKCE, state and nonce in the authorization request', async () => {
    const start = await get(`${baseUrl}/auth/oidc/login`, 'session-inspect');
    const params = new URL(start.headers.get('location') ?? '').searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(`${baseUrl}/auth/oidc/callback`);
    expect(params.get('scope')?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.has('code_verifier')).toBe(false);
  });

  it('maps users outside the admin groups (or without groups) to viewer', async () => {
    const bob = await callback(await authorize('oidc', 'session-bob', 'bob'), 'session-bob');
    expect(bob.body['user']).toMatchObject({ id: 'bob', username: 'bob@home.example', role: 'viewer', groups: ['family'] });
    const carol = await callback(await authorize('oidc', 'session-carol', 'carol'), 'session-carol');
    expect(carol.body['user']).toMatchObject({ id: 'carol', username: 'carol', role: 'viewer', groups: [] });
  });

  it('rejects a tampered state', async () => {
    const callbackUrl = await authorize('oidc', 'session-t');
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state') ?? ''}x`);
    const result = await callback(callbackUrl, 'session-t');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'unknown' });
  });

  it('rejects a callback without state', async () => {
    const callbackUrl = await authorize('oidc', 'session-ns');
    callbackUrl.searchParams.delete('state');
    expect((await callback(callbackUrl, 'session-ns')).body).toMatchObject({ code: 'missing' });
  });

  it('rejects a callback carried into another session (login CSRF / account-linking hijack)', async () => {
    const attackersCallback = await authorize('oidc', 'attacker-session', 'alice');
    const result = await callback(attackersCallback, 'victim-session');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'session_mismatch' });
    // and the state is burnt for the original session too
    expect((await callback(attackersCallback, 'attacker-session')).body).toMatchObject({ code: 'replayed' });
  });

  it('rejects a replayed callback', async () => {
    const callbackUrl = await authorize('oidc', 'session-r');
    expect((await callback(callbackUrl, 'session-r')).status).toBe(200);
    const replay = await callback(callbackUrl, 'session-r');
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'replayed' });
  });

  it('fails when the provider sees the wrong PKCE verifier', async () => {
    const inner = new InMemoryOAuthStateStore();
    // A store that hands back a different verifier than the one whose challenge was sent.
    const swapping: OAuthStateStore = {
      save: (state, pending) => inner.save(state, pending),
      consume: async (state, sessionId) => {
        const lookup = await inner.consume(state, sessionId);
        return lookup.status === 'valid' ? { status: 'valid', pending: { ...lookup.pending, codeVerifier: createCodeVerifier() } } : lookup;
      },
    };
    await mountStrategy('pkce', { stateStore: swapping });
    const result = await callback(await authorize('pkce', 'session-p'), 'session-p');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'token_rejected' });
    expect(String(result.body['message'])).toContain('invalid_grant');
  });

  it('fake token endpoint: right verifier succeeds, wrong verifier is invalid_grant', async () => {
    const redirectUri = 'http://127.0.0.1:1/cb';
    const codeFor = async (challenge: string): Promise<string> => {
      const url = new URL(`${fake.issuer}/authorize`);
      for (const [k, v] of Object.entries({ client_id: CLIENT_ID, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 's' })) {
        url.searchParams.set(k, v);
      }
      const response = await get(url.href);
      return new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
    };
    const exchange = (code: string, verifier: string): Promise<Response> =>
      fetch(`${fake.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
      });
    const verifier = createCodeVerifier();
    const wrong = await exchange(await codeFor(computeCodeChallenge(verifier)), createCodeVerifier());
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const right = await exchange(await codeFor(computeCodeChallenge(verifier)), verifier);
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String) });
  });

  it('rejects an ID token issued for a different audience', async () => {
    const callbackUrl = await authorize('oidc', 'session-aud');
    fake.tamperNextIdToken({ claims: { aud: 'some-other-client', azp: 'some-other-client' } });
    const result = await callback(callbackUrl, 'session-aud');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'response_invalid' });
  });

  it('rejects an ID token with the wrong nonce, issuer or an expired lifetime', async () => {
    for (const claims of [{ nonce: 'not-the-nonce' }, { iss: 'http://127.0.0.1:9/evil' }, { exp: 1_000, iat: 900 }]) {
      const callbackUrl = await authorize('oidc', 'session-claims');
      fake.tamperNextIdToken({ claims });
      const result = await callback(callbackUrl, 'session-claims');
      expect(result.status, JSON.stringify(claims)).toBe(401);
      expect(result.body).toMatchObject({ code: 'response_invalid' });
    }
  });

  it('rejects an ID token signed by a key outside the provider JWKS', async () => {
    const callbackUrl = await authorize('oidc', 'session-sig');
    fake.tamperNextIdToken({ signWithUnknownKey: true });
    const result = await callback(callbackUrl, 'session-sig');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'response_invalid' });
  });

  it('reports a denied consent as a refused login', async () => {
    fake.denyNextAuthorization('access_denied');
    const callbackUrl = await authorize('oidc', 'session-deny');
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    const result = await callback(callbackUrl, 'session-deny');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'provider_error' });
  });

  it('refuses to start a login without a session', async () => {
    const response = await get(`${baseUrl}/auth/oidc/login`);
    expect(response.status).toBe(500);
  });

  it('supports client_secret_post', async () => {
    await mountStrategy('post', { tokenEndpointAuthMethod: 'client_secret_post' });
    const result = await callback(await authorize('post', 'session-post'), 'session-post');
    expect(result.body['user']).toMatchObject({ id: 'alice', role: 'admin' });
  });

  it('treats a wrong client secret as a provider error (5xx), not a failed login', async () => {
    const strategy = await mountStrategy('badsecret', { clientSecret: 'not-the-secret' });
    const callbackUrl = await authorize('badsecret', 'session-bs');
    const request = { method: 'GET', url: callbackUrl.pathname + callbackUrl.search, headers: { cookie: 'sid=session-bs' } };
    const outcome = runPassportStrategy(strategy, request);
    await expect(outcome).rejects.toBeInstanceOf(OidcProviderError);
    await expect(outcome).rejects.not.toHaveProperty('status');
    const response = await get((await authorize('badsecret', 'session-bs2')).href, 'session-bs2');
    expect(response.status).toBe(500);
  });

  it('refuses plain-HTTP issuers unless explicitly allowed', async () => {
    await expect(
      createOidcStrategy({ issuerUrl: fake.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${baseUrl}/cb` }),
    ).rejects.toThrow(/HTTPS/i);
  });

  it('refuses a discovery document whose issuer does not match', async () => {
    await expect(
      createOidcStrategy({
        issuerUrl: fake.issuer.replace('127.0.0.1', 'localhost'),
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${baseUrl}/cb`,
        allowInsecureHttpForTesting: true,
      }),
    ).rejects.toThrow(/issuer/);
  });

  it('works through passport.authenticate() as a registered strategy', async () => {
    const strategy = strategies.get('oidc');
    if (strategy === undefined) throw new Error('strategy not mounted');
    const authenticator = new passport.Passport();
    authenticator.use(strategy);
    const callbackUrl = await authorize('oidc', 'session-passport', 'bob');
    const request = { method: 'GET', url: callbackUrl.pathname + callbackUrl.search, headers: { cookie: 'sid=session-passport' } };
    const user = await new Promise<unknown>((resolve, reject) => {
      authenticator.authenticate('oidc', { session: false }, (error: unknown, authenticated: unknown, info: unknown) =>
        error ? reject(error) : authenticated ? resolve(authenticated) : reject(new Error(JSON.stringify(info))),
      )(request, {}, reject);
    });
    expect(user).toMatchObject({ id: 'bob', role: 'viewer', provider: 'oidc' });
  });
});
