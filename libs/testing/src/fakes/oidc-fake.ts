import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-helpers.js';

export interface OidcFakeUser {
  sub: string;
  email?: string;
  name?: string;
  groups?: readonly string[];
  preferredUsername?: string;
}

export interface OidcFakeOptions {
  clientId: string;
  clientSecret: string;
  /** Accounts that can "log in"; `/authorize?login_hint=<sub|email>` picks one, default the first. */
  users?: readonly OidcFakeUser[];
  /** Registered redirect URIs; when given, any other redirect_uri is refused like a real provider does. */
  redirectUris?: readonly string[];
  /** Lifetime of authorization codes, default 60 s. */
  codeTtlSeconds?: number;
}

/** One-shot changes to the next ID token, for negative tests. */
export interface IdTokenTampering {
  /** Claims merged over the real ones (e.g. `{ aud: 'someone-else' }`, `{ nonce: 'x' }`, `{ exp: 0 }`). */
  claims?: Record<string, unknown>;
  /** Sign with a key that is not in the JWKS. */
  signWithUnknownKey?: boolean;
}

export interface OidcFake {
  /** `http://127.0.0.1:<port>`, also the `iss` of every ID token. */
  readonly issuer: string;
  readonly clientId: string;
  readonly users: readonly OidcFakeUser[];
  /** Requests received per path, e.g. `requests['/token']`. */
  readonly requests: Readonly<Record<string, number>>;
  /** The next `/authorize` redirects back with `error=<error>` instead of a code (default `access_denied`). */
  denyNextAuthorization(error?: string): void;
  /** Alters the next ID token the token endpoint issues. */
  tamperNextIdToken(tampering: IdTokenTampering): void;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
  user: OidcFakeUser;
  authTime: number;
  expiresAt: number;
  used: boolean;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const DEFAULT_USER: OidcFakeUser = { sub: 'user-1', email: 'user@example.test', name: 'Test User', groups: [] };
const ACCESS_TOKEN_TTL_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024;

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const body = base64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

function safeEqual(a: string, b: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Basic realm="oidc-fake"' } : {};
  sendJson(res, status, { error, error_description: description }, headers);
}

function redirect(res: ServerResponse, location: URL): void {
  res.writeHead(302, { location: location.href, 'cache-control': 'no-store' });
  res.end();
}

function userClaims(user: OidcFakeUser): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.sub };
  if (user.email !== undefined) Object.assign(claims, { email: user.email, email_verified: true });
  if (user.name !== undefined) claims['name'] = user.name;
  if (user.preferredUsername !== undefined) claims['preferred_username'] = user.preferredUsername;
  if (user.groups !== undefined) claims['groups'] = [...user.groups];
  return claims;
}

/**
 * A minimal OpenID Connect provider on 127.0.0.1 speaking the real protocol, for tests:
 * discovery, `/authorize` (auto-approves, requires S256 PKCE), `/token` (client_secret_basic
 * or client_secret_post; checks code, redirect_uri and the PKCE verifier, answering
 * `invalid_grant` on mismatch), `/jwks`, and `/userinfo`. ID tokens are RS256-signed with a
 * key generated at start.
 */
export async function startOidcFake(options: OidcFakeOptions): Promise<OidcFake> {
  const users = options.users && options.users.length > 0 ? [...options.users] : [DEFAULT_USER];
  const codeTtlMs = (options.codeTtlSeconds ?? 60) * 1000;
  const signingKey = newSigningKey();
  let foreignKey: SigningKey | undefined;
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, { user: OidcFakeUser; expiresAt: number }>();
  const requests: Record<string, number> = {};
  let pendingDenial: string | undefined;
  let pendingTampering: IdTokenTampering | undefined;
  let issuer = '';

  const discoveryDocument = (): Record<string, unknown> => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'groups'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'email', 'email_verified', 'name', 'preferred_username', 'groups'],
    authorization_response_iss_parameter_supported: true,
  });

  const authorize = (url: URL, res: ServerResponse): void => {
    const params = url.searchParams;
    // Until client and redirect_uri are trusted, errors are shown, never redirected (RFC 6749 §4.1.2.1).
    if (params.get('client_id') !== options.clientId) return oauthError(res, 400, 'invalid_request', 'unknown client_id');
    const redirectUri = params.get('redirect_uri');
    let target: URL;
    try {
      target = new URL(redirectUri ?? '');
    } catch {
      return oauthError(res, 400, 'invalid_request', 'redirect_uri missing or malformed');
    }
    if (options.redirectUris !== undefined && !options.redirectUris.includes(redirectUri ?? '')) {
      return oauthError(res, 400, 'invalid_request', 'redirect_uri not registered');
    }
    const state = params.get('state');
    const back = (extra: Record<string, string>): void => {
      for (const [key, value] of Object.entries(extra)) target.searchParams.set(key, value);
      if (state !== null) target.searchParams.set('state', state);
      target.searchParams.set('iss', issuer);
      redirect(res, target);
    };
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    const scope = params.get('scope') ?? '';
    if (!scope.split(' ').includes('openid')) return back({ error: 'invalid_scope', error_description: 'openid scope required' });
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge || params.get('code_challenge_method') !== 'S256') {
      return back({ error: 'invalid_request', error_description: 'S256 PKCE required' });
    }
    if (pendingDenial !== undefined) {
      const error = pendingDenial;
      pendingDenial = undefined;
      return back({ error });
    }
    const hint = params.get('login_hint');
    const user = hint === null ? users[0] : users.find((candidate) => candidate.sub === hint || candidate.email === hint);
    if (user === undefined) return back({ error: 'login_required', error_description: 'no such user' });
    const code = randomBytes(32).toString('base64url');
    const now = Date.now();
    codes.set(code, {
      clientId: options.clientId,
      redirectUri: redirectUri ?? '',
      codeChallenge,
      nonce: params.get('nonce') ?? undefined,
      scope,
      user,
      authTime: Math.floor(now / 1000),
      expiresAt: now + codeTtlMs,
      used: false,
    });
    back({ code });
  };

  /** Returns the authenticated client id, or undefined after answering 401. */
  const authenticateClient = (req: IncomingMessage, body: URLSearchParams, res: ServerResponse): string | undefined => {
    const header = req.headers.authorization;
    const hasPostSecret = body.has('client_secret');
    let clientId: string | undefined;
    let secret: string | undefined;
    if (header?.startsWith('Basic ') && !hasPostSecret) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon !== -1) {
        clientId = formDecode(decoded.slice(0, colon));
        secret = formDecode(decoded.slice(colon + 1));
      }
    } else if (header === undefined && hasPostSecret) {
      clientId = body.get('client_id') ?? undefined;
      secret = body.get('client_secret') ?? undefined;
    }
    const ok =
      clientId !== undefined &&
      secret !== undefined &&
      safeEqual(clientId, options.clientId) &&
      safeEqual(secret, options.clientSecret);
    if (!ok) {
      oauthError(res, 401, 'invalid_client', 'client authentication failed');
      return undefined;
    }
    return clientId;
  };

  const issueIdToken = (grant: IssuedCode): string => {
    const now = Math.floor(Date.now() / 1000);
    const tampering = pendingTampering;
    pendingTampering = undefined;
    const claims: Record<string, unknown> = {
      ...userClaims(grant.user),
      iss: issuer,
      aud: options.clientId,
      azp: options.clientId,
      iat: now,
      exp: now + ACCESS_TOKEN_TTL_SECONDS,
      auth_time: grant.authTime,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      ...tampering?.claims,
    };
    let key = signingKey;
    if (tampering?.signWithUnknownKey === true) {
      foreignKey ??= newSigningKey();
      key = { ...foreignKey, kid: signingKey.kid };
    }
    return signJwt(claims, key);
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return oauthError(res, 405, 'invalid_request', 'POST required');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'form-encoded body required');
    }
    const body = new URLSearchParams(await readBody(req, MAX_BODY_BYTES));
    const clientId = authenticateClient(req, body, res);
    if (clientId === undefined) return;
    if (body.get('grant_type') !== 'authorization_code') return oauthError(res, 400, 'unsupported_grant_type', 'authorization_code only');
    const code = body.get('code') ?? '';
    const grant = codes.get(code);
    if (grant === undefined || grant.used || grant.expiresAt <= Date.now() || grant.clientId !== clientId) {
      return oauthError(res, 400, 'invalid_grant', 'authorization code is invalid, expired or already used');
    }
    grant.used = true;
    if (body.get('redirect_uri') !== grant.redirectUri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri mismatch');
    const verifier = body.get('code_verifier');
    if (verifier === null || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
      return oauthError(res, 400, 'invalid_grant', 'code_verifier missing or malformed');
    }
    const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
    if (!safeEqual(challenge, grant.codeChallenge)) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');

    const accessToken = randomBytes(32).toString('base64url');
    accessTokens.set(accessToken, { user: grant.user, expiresAt: Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000 });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: grant.scope,
      id_token: issueIdToken(grant),
    });
  };

  const userinfo = (req: IncomingMessage, res: ServerResponse): void => {
    const header = req.headers.authorization ?? '';
    const entry = header.startsWith('Bearer ') ? accessTokens.get(header.slice(7)) : undefined;
    if (entry === undefined || entry.expiresAt <= Date.now()) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' });
      res.end();
      return;
    }
    sendJson(res, 200, userClaims(entry.user));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', issuer);
    requests[url.pathname] = (requests[url.pathname] ?? 0) + 1;
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return sendJson(res, 200, discoveryDocument());
      case '/authorize':
        return authorize(url, res);
      case '/token':
        return token(req, res);
      case '/jwks':
        return sendJson(res, 200, { keys: [signingKey.publicJwk] });
      case '/userinfo':
        return userinfo(req, res);
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId: options.clientId,
    users,
    requests,
    denyNextAuthorization(error = 'access_denied') {
      pendingDenial = error;
    },
    tamperNextIdToken(tampering) {
      pendingTampering = tampering;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
