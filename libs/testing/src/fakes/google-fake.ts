import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiError, googleApiRoutes, unauthenticated, type GoogleFakeEvent, type GoogleFakeFile, type GoogleFakeMessage } from './google-fake-apis.js';
import { readBody, sendJson } from './http-helpers.js';

export type { GoogleFakeEvent, GoogleFakeFile, GoogleFakeMessage } from './google-fake-apis.js';

export interface GoogleFakeOptions {
  clientId: string;
  clientSecret: string;
  /** The account that "consents": its address goes into ID tokens. Default `owner@example.test`. */
  email?: string;
  /** Registered redirect URIs; when given, any other redirect_uri is refused like Google does. */
  redirectUris?: readonly string[];
  /** Lifetime of access tokens, default 3599 s (Google's). Change later with {@link GoogleFake.setAccessTokenTtl}. */
  accessTokenTtlSeconds?: number;
  events?: GoogleFakeEvent[];
  messages?: GoogleFakeMessage[];
  files?: GoogleFakeFile[];
}

/** One request to the consent page, as the fake understood it. */
export interface GoogleFakeAuthorization {
  clientId: string | null;
  redirectUri: string | null;
  /** The `scope` parameter split on spaces, in the order sent. */
  scopes: string[];
  accessType: string | null;
  prompt: string | null;
  state: string | null;
  codeChallengeMethod: string | null;
  hasCodeChallenge: boolean;
}

/** One request the fake served (paths under the API root, the token and revoke endpoints). */
export interface GoogleFakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The Bearer token sent, if any. */
  bearer: string | undefined;
  at: number;
}

export interface GoogleFake {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The API root to give the client libraries (`rootUrl`), with its trailing slash. */
  readonly apiRootUrl: string;
  readonly oauthUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  readonly email: string;
  /** The GOOGLE_* variables that point the dashboard here. */
  env(): Record<string, string>;
  /** Mutable: tests add, change and remove items while the fake runs. */
  readonly events: GoogleFakeEvent[];
  readonly messages: GoogleFakeMessage[];
  readonly files: GoogleFakeFile[];
  readonly authorizations: readonly GoogleFakeAuthorization[];
  readonly requests: readonly GoogleFakeRequest[];
  /** Token endpoint calls per grant type that succeeded, e.g. `tokenGrants.refresh_token`. */
  readonly tokenGrants: Readonly<Record<string, number>>;
  /** Every token the fake has issued (access and refresh), so a test can check none is stored in plain text. */
  readonly issuedTokens: readonly string[];
  /** Successful revocations. */
  readonly revocations: number;
  /** Grants (consents) not revoked; like Google, a new consent leaves earlier refresh tokens valid. */
  liveGrants(): number;
  /** Access tokens issued from now on live this long (e.g. 30 s: inside a client's eager refresh window). */
  setAccessTokenTtl(seconds: number): void;
  /** The next consent grants only these scopes (Google's granular consent: the user unticked the others). */
  grantOnlyNext(scopes: readonly string[]): void;
  /** The next consent redirects back with `error=<error>` (default `access_denied`). */
  denyNextAuthorization(error?: string): void;
  /** The user removed the app's access in their Google account: every token stops working, refreshes get `invalid_grant`. */
  revokeAll(): void;
  /** Every access token issued so far is expired (the API answers 401); refresh tokens still work. */
  expireAccessTokens(): void;
  /** Every answer of the token endpoint and the APIs waits this long first. */
  setLatency(ms: number): void;
  /** The APIs (not OAuth) answer this status (e.g. 503) until called with null. */
  setApiFailure(status: number | null): void;
  close(): Promise<void>;
}

interface Grant {
  id: string;
  clientId: string;
  scopes: string[];
  refreshToken: string | undefined;
  revoked: boolean;
}

interface IssuedCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresAt: number;
  used: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;
const MAX_BODY_BYTES = 64 * 1024;
const GOOGLE_ISSUER = 'https://accounts.google.com';
const SUBJECT = '109876543210987654321';

/** Google answers with the long form of the OpenID shorthands. */
const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

function safeEqual(a: string, b: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Errors of the OAuth endpoints: `{ error, error_description }`. */
function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

function newToken(prefix: string): string {
  return `${prefix}${randomBytes(36).toString('base64url')}`;
}

function signIdToken(claims: Record<string, unknown>, key: { kid: string; privateKey: KeyObject }): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

/**
 * A local stand-in for Google's OAuth 2.0 endpoints and the Calendar v3, Gmail v1 and Drive v3
 * APIs on 127.0.0.1, speaking their wire formats so google-auth-library and the @googleapis/*
 * clients run unmodified against it:
 * - consent (`/o/oauth2/v2/auth`): auto-consents, redirecting to redirect_uri with `code` and
 *   `state`; records what was asked for (scopes, access_type, prompt, PKCE method);
 * - token (`/token`): `authorization_code` (client secret, redirect_uri, single-use code, PKCE
 *   S256 check) and `refresh_token` grants; refresh tokens only with `access_type=offline`;
 *   `invalid_grant` once revoked; short `expires_in` on demand; ID tokens carry the email;
 * - revoke (`/revoke?token=`): revokes the whole grant, like Google;
 * - the APIs check the Bearer token (401 when expired or revoked, 403 without the scope, and
 *   the `gmail.metadata` scope's limits: no `q`, no full format).
 */
export async function startGoogleFake(options: GoogleFakeOptions): Promise<GoogleFake> {
  const email = options.email ?? 'owner@example.test';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { kid: randomUUID(), privateKey };
  let accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3599;
  let latencyMs = 0;
  let apiFailure: number | null = null;
  let nextGrantOnly: string[] | undefined;
  let pendingDenial: string | undefined;
  let revocations = 0;

  const events = options.events ?? [];
  const messages = options.messages ?? [];
  const files = options.files ?? [];
  const grants: Grant[] = [];
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, AccessToken>();
  const authorizations: GoogleFakeAuthorization[] = [];
  const requests: GoogleFakeRequest[] = [];
  const tokenGrants: Record<string, number> = {};
  const issuedTokens: string[] = [];
  let base = '';

  const issueAccessToken = (grant: Grant): { token: string; ttl: number } => {
    const token = newToken('ya29.');
    const ttl = accessTokenTtlSeconds;
    accessTokens.set(token, { grant, expiresAt: Date.now() + ttl * 1000 });
    issuedTokens.push(token);
    return { token, ttl };
  };

  const idToken = (grant: Grant, nonce: string | null = null): string | undefined => {
    if (!grant.scopes.includes('openid')) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const withEmail = grant.scopes.includes(SCOPE_ALIASES['email'] as string);
    return signIdToken(
      {
        iss: GOOGLE_ISSUER,
        azp: grant.clientId,
        aud: grant.clientId,
        sub: SUBJECT,
        ...(withEmail ? { email, email_verified: true } : {}),
        ...(nonce !== null ? { nonce } : {}),
        iat: now,
        exp: now + 3600,
      },
      signingKey,
    );
  };

  const consent = (url: URL, res: ServerResponse): void => {
    const params = url.searchParams;
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    authorizations.push({
      clientId: params.get('client_id'),
      redirectUri: params.get('redirect_uri'),
      scopes,
      accessType: params.get('access_type'),
      prompt: params.get('prompt'),
      state: params.get('state'),
      codeChallengeMethod: params.get('code_challenge_method'),
      hasCodeChallenge: params.has('code_challenge'),
    });
    // Until client and redirect_uri are trusted, errors are shown, never redirected.
    if (params.get('client_id') !== options.clientId) return oauthError(res, 401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = params.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return oauthError(res, 400, 'invalid_request', 'Missing required parameter: redirect_uri');
    }
    if (options.redirectUris !== undefined && !options.redirectUris.includes(redirectUri)) {
      return oauthError(res, 400, 'redirect_uri_mismatch', 'The redirect URI in the request does not match the ones authorized for the OAuth client.');
    }
    const back = (extra: Record<string, string>): void => {
      for (const [key, value] of Object.entries(extra)) target.searchParams.set(key, value);
      const state = params.get('state');
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.href, 'cache-control': 'no-store' });
      res.end();
    };
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (scopes.length === 0) return back({ error: 'invalid_request', error_description: 'Missing required parameter: scope' });
    const method = params.get('code_challenge_method');
    if (params.has('code_challenge') && method !== 'S256' && method !== 'plain') {
      return back({ error: 'invalid_request', error_description: 'Invalid code_challenge_method' });
    }
    if (pendingDenial !== undefined) {
      const error = pendingDenial;
      pendingDenial = undefined;
      return back({ error });
    }
    const asked = scopes.map((scope) => SCOPE_ALIASES[scope] ?? scope);
    const granted = nextGrantOnly === undefined ? asked : asked.filter((scope) => (nextGrantOnly ?? []).map((s) => SCOPE_ALIASES[s] ?? s).includes(scope));
    nextGrantOnly = undefined;
    const grant: Grant = {
      id: randomUUID(),
      clientId: options.clientId,
      scopes: granted,
      refreshToken: params.get('access_type') === 'offline' ? newToken('1//') : undefined,
      revoked: false,
    };
    grants.push(grant);
    const code = `4/${randomBytes(32).toString('base64url')}`;
    codes.set(code, {
      grant,
      redirectUri,
      codeChallenge: params.get('code_challenge'),
      codeChallengeMethod: method ?? (params.has('code_challenge') ? 'plain' : null),
      nonce: params.get('nonce'),
      expiresAt: Date.now() + CODE_TTL_MS,
      used: false,
    });
    back({ code, scope: granted.join(' ') });
  };

  /** Google accepts the client's credentials in the form (client_secret_post) or as Basic auth. */
  const clientAuthenticated = (req: IncomingMessage, body: URLSearchParams): boolean => {
    let clientId = body.get('client_id');
    let secret = body.get('client_secret');
    const header = req.headers.authorization;
    if (secret === null && header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    return clientId !== null && secret !== null && safeEqual(clientId, options.clientId) && safeEqual(secret, options.clientSecret);
  };

  const pkceOk = (issued: IssuedCode, verifier: string | null): boolean => {
    if (issued.codeChallenge === null) return verifier === null;
    if (verifier === null || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
    const computed = issued.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
    return safeEqual(computed, issued.codeChallenge);
  };

  const exchangeCode = (body: URLSearchParams, res: ServerResponse): void => {
    const issued = codes.get(body.get('code') ?? '');
    if (issued === undefined || issued.used || issued.expiresAt <= Date.now()) return oauthError(res, 400, 'invalid_grant', 'Bad Request');
    issued.used = true;
    if (body.get('redirect_uri') !== issued.redirectUri) return oauthError(res, 400, 'redirect_uri_mismatch', 'Bad Request');
    if (!pkceOk(issued, body.get('code_verifier'))) return oauthError(res, 400, 'invalid_grant', 'Invalid code verifier.');
    const { grant } = issued;
    const access = issueAccessToken(grant);
    if (grant.refreshToken !== undefined) issuedTokens.push(grant.refreshToken);
    tokenGrants['authorization_code'] = (tokenGrants['authorization_code'] ?? 0) + 1;
    const id = idToken(grant, issued.nonce);
    sendJson(res, 200, {
      access_token: access.token,
      expires_in: access.ttl,
      ...(grant.refreshToken !== undefined ? { refresh_token: grant.refreshToken } : {}),
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
      ...(id !== undefined ? { id_token: id } : {}),
    });
  };

  const refresh = (body: URLSearchParams, res: ServerResponse): void => {
    const refreshToken = body.get('refresh_token') ?? '';
    const grant = grants.find((candidate) => candidate.refreshToken !== undefined && candidate.refreshToken === refreshToken);
    if (grant === undefined || grant.revoked) return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
    const access = issueAccessToken(grant);
    tokenGrants['refresh_token'] = (tokenGrants['refresh_token'] ?? 0) + 1;
    const id = idToken(grant);
    // Google does not rotate refresh tokens: the answer carries none.
    sendJson(res, 200, {
      access_token: access.token,
      expires_in: access.ttl,
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
      ...(id !== undefined ? { id_token: id } : {}),
    });
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return oauthError(res, 405, 'invalid_request', 'POST required');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'Invalid content type');
    }
    const body = new URLSearchParams(await readBody(req, MAX_BODY_BYTES));
    if (!clientAuthenticated(req, body)) return oauthError(res, 401, 'invalid_client', 'Unauthorized');
    switch (body.get('grant_type')) {
      case 'authorization_code':
        return exchangeCode(body, res);
      case 'refresh_token':
        return refresh(body, res);
      default:
        return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type');
    }
  };

  const revoke = async (req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' && req.method !== 'GET') return oauthError(res, 405, 'invalid_request', 'POST required');
    const body = req.method === 'POST' ? new URLSearchParams(await readBody(req, MAX_BODY_BYTES)) : new URLSearchParams();
    const value = url.searchParams.get('token') ?? body.get('token') ?? '';
    const grant = accessTokens.get(value)?.grant ?? grants.find((candidate) => candidate.refreshToken === value);
    if (grant === undefined || grant.revoked) return oauthError(res, 400, 'invalid_token', 'Token expired or revoked');
    grant.revoked = true;
    revocations++;
    sendJson(res, 200, {});
  };

  /** The grant behind a valid Bearer token, or undefined after answering 401. */
  const authorized = (bearer: string | undefined, res: ServerResponse): Grant | undefined => {
    const entry = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (entry === undefined || entry.grant.revoked || entry.expiresAt <= Date.now()) {
      unauthenticated(res);
      return undefined;
    }
    return entry.grant;
  };

  const routeApi = googleApiRoutes({ email, events, messages, files });
  const api = (req: IncomingMessage, url: URL, bearer: string | undefined, res: ServerResponse): void => {
    if (req.method !== 'GET') return apiError(res, 405, 'methodNotAllowed', 'Method not allowed');
    if (apiFailure !== null) return apiError(res, apiFailure, 'backendError', 'The service is currently unavailable.');
    const grant = authorized(bearer, res);
    if (grant === undefined) return;
    routeApi(url, grant.scopes, res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/o/oauth2/v2/auth') return consent(url, res);
    const authorization = req.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, bearer, at: Date.now() });
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (url.pathname === '/token') return token(req, res);
    if (url.pathname === '/revoke') return revoke(req, url, res);
    api(req, url, bearer, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const oauthUrl = `${base}/o/oauth2/v2/auth`;
  const tokenUrl = `${base}/token`;
  const revokeUrl = `${base}/revoke`;

  return {
    url: base,
    apiRootUrl: `${base}/`,
    oauthUrl,
    tokenUrl,
    revokeUrl,
    email,
    env: () => ({
      GOOGLE_CLIENT_ID: options.clientId,
      GOOGLE_CLIENT_SECRET: options.clientSecret,
      GOOGLE_API_ROOT_URL: `${base}/`,
      GOOGLE_OAUTH_URL: oauthUrl,
      GOOGLE_TOKEN_URL: tokenUrl,
      GOOGLE_REVOKE_URL: revokeUrl,
    }),
    events,
    messages,
    files,
    authorizations,
    requests,
    tokenGrants,
    issuedTokens,
    get revocations() {
      return revocations;
    },
    liveGrants: () => grants.filter((grant) => !grant.revoked).length,
    setAccessTokenTtl(seconds) {
      accessTokenTtlSeconds = seconds;
    },
    grantOnlyNext(scopes) {
      nextGrantOnly = [...scopes];
    },
    denyNextAuthorization(error = 'access_denied') {
      pendingDenial = error;
    },
    revokeAll() {
      for (const grant of grants) grant.revoked = true;
    },
    expireAccessTokens() {
      for (const entry of accessTokens.values()) entry.expiresAt = 0;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setApiFailure(status) {
      apiFailure = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
