import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-helpers.js';

/** An event of the fake's primary calendar, in Calendar v3's shape (`start.dateTime` or, all day, `start.date`). */
export interface GoogleFakeEvent {
  id: string;
  summary?: string;
  location?: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
}

/** A message of the fake mailbox. `date` becomes Gmail's `internalDate` and the Date header. */
export interface GoogleFakeMessage {
  id: string;
  threadId?: string;
  from: string;
  subject?: string;
  date: string;
  /** Gmail label ids, e.g. `['INBOX', 'UNREAD']`. */
  labelIds: string[];
  snippet?: string;
}

/** A file of the fake Drive. */
export interface GoogleFakeFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime: string;
  webViewLink?: string;
  trashed?: boolean;
}

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

const AUTH = 'https://www.googleapis.com/auth/';
const CALENDAR_SCOPES = ['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'].map((s) => AUTH + s);
const GMAIL_SCOPES = ['gmail.metadata', 'gmail.readonly', 'gmail.modify'].map((s) => AUTH + s).concat('https://mail.google.com/');
const GMAIL_CONTENT_SCOPES = GMAIL_SCOPES.filter((s) => !s.endsWith('gmail.metadata'));
const DRIVE_SCOPES = ['drive', 'drive.readonly', 'drive.metadata', 'drive.metadata.readonly', 'drive.file'].map((s) => AUTH + s);

function safeEqual(a: string, b: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Errors of the OAuth endpoints: `{ error, error_description }`. */
function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

/** Errors of the JSON APIs, in Google's envelope. */
function apiError(res: ServerResponse, status: number, reason: string, message: string, extraHeaders: Record<string, string> = {}): void {
  const statusName: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    503: 'UNAVAILABLE',
  };
  sendJson(
    res,
    status,
    { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: statusName[status] ?? 'UNKNOWN' } },
    extraHeaders,
  );
}

function unauthenticated(res: ServerResponse): void {
  apiError(
    res,
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

function insufficientScope(res: ServerResponse): void {
  apiError(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
    'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"',
  });
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

/** A Calendar event's start or end as epoch ms; all-day dates are midnight UTC (the fake calendar's time zone). */
function instant(point: { dateTime?: string; date?: string }): number {
  return Date.parse(point.dateTime ?? `${point.date ?? ''}T00:00:00Z`);
}

/** Offset-based pagination: the page token is the index of the next item. */
function page<T>(items: T[], query: URLSearchParams, sizeParam: string, defaultSize: number, maxSize: number): { items: T[]; next: string | undefined } {
  const size = Math.min(Math.max(Number(query.get(sizeParam) ?? defaultSize) || defaultSize, 1), maxSize);
  const start = Number(query.get('pageToken') ?? 0) || 0;
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? String(start + size) : undefined };
}

/** Applies a Drive `fields` selector of the form `nextPageToken, files(id, name)` to one file. */
function selectFileFields(file: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  const match = fields === null ? null : /files\(([^)]*)\)/.exec(fields);
  if (match === null || match[1] === undefined) return file;
  const wanted = match[1].split(',').map((f) => f.trim()).filter(Boolean);
  return Object.fromEntries(wanted.filter((name) => file[name] !== undefined).map((name) => [name, file[name]]));
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

  const hasAny = (grant: Grant, scopes: readonly string[]): boolean => grant.scopes.some((scope) => scopes.includes(scope));

  const calendarEvents = (url: URL, grant: Grant, res: ServerResponse): void => {
    if (!hasAny(grant, CALENDAR_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const single = q.get('singleEvents') === 'true';
    if (q.get('orderBy') === 'startTime' && !single) {
      return apiError(res, 400, 'invalid', 'The requested ordering is not available for the particular query.');
    }
    const timeMin = q.has('timeMin') ? Date.parse(q.get('timeMin') ?? '') : -Infinity;
    const timeMax = q.has('timeMax') ? Date.parse(q.get('timeMax') ?? '') : Infinity;
    if (Number.isNaN(timeMin) || Number.isNaN(timeMax)) return apiError(res, 400, 'badRequest', 'Bad Request');
    const matching = events
      .filter((event) => (event.status ?? 'confirmed') !== 'cancelled' || q.get('showDeleted') === 'true')
      .filter((event) => instant(event.end) > timeMin && instant(event.start) < timeMax)
      .sort((a, b) => (q.get('orderBy') === 'startTime' ? instant(a.start) - instant(b.start) : 0));
    const { items, next } = page(matching, q, 'maxResults', 250, 2500);
    const now = new Date().toISOString();
    sendJson(res, 200, {
      kind: 'calendar#events',
      etag: `"${Date.now()}"`,
      summary: email,
      updated: now,
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      ...(next !== undefined ? { nextPageToken: next } : {}),
      items: items.map((event) => ({
        kind: 'calendar#event',
        etag: `"${event.id}"`,
        id: event.id,
        status: event.status ?? 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${event.id}`,
        created: now,
        updated: now,
        ...(event.summary !== undefined ? { summary: event.summary } : {}),
        ...(event.location !== undefined ? { location: event.location } : {}),
        creator: { email, self: true },
        organizer: { email, self: true },
        start: event.start,
        end: event.end,
        iCalUID: `${event.id}@google.com`,
        sequence: 0,
        reminders: { useDefault: true },
        eventType: 'default',
      })),
    });
  };

  const inboxLabel = (grant: Grant, res: ServerResponse): void => {
    if (!hasAny(grant, GMAIL_SCOPES)) return insufficientScope(res);
    const inbox = messages.filter((m) => m.labelIds.includes('INBOX'));
    const unread = inbox.filter((m) => m.labelIds.includes('UNREAD'));
    const threads = (list: GoogleFakeMessage[]): number => new Set(list.map((m) => m.threadId ?? m.id)).size;
    sendJson(res, 200, {
      id: 'INBOX',
      name: 'INBOX',
      messageListVisibility: 'hide',
      labelListVisibility: 'labelShow',
      type: 'system',
      messagesTotal: inbox.length,
      messagesUnread: unread.length,
      threadsTotal: threads(inbox),
      threadsUnread: threads(unread),
    });
  };

  const listMessages = (url: URL, grant: Grant, res: ServerResponse): void => {
    if (!hasAny(grant, GMAIL_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    if (q.has('q') && !hasAny(grant, GMAIL_CONTENT_SCOPES)) return apiError(res, 403, 'forbidden', "Metadata scope does not support 'q' parameter");
    const labels = q.getAll('labelIds');
    const matching = messages.filter((m) => labels.every((label) => m.labelIds.includes(label))).sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    const { items, next } = page(matching, q, 'maxResults', 100, 500);
    sendJson(res, 200, {
      ...(items.length > 0 ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId ?? m.id })) } : {}),
      ...(next !== undefined ? { nextPageToken: next } : {}),
      resultSizeEstimate: matching.length,
    });
  };

  const getMessage = (url: URL, id: string, grant: Grant, res: ServerResponse): void => {
    if (!hasAny(grant, GMAIL_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const format = q.get('format') ?? 'full';
    if (format !== 'metadata' && format !== 'minimal' && !hasAny(grant, GMAIL_CONTENT_SCOPES)) {
      return apiError(res, 403, 'forbidden', `Metadata scope doesn't allow format ${format.toUpperCase()}`);
    }
    const message = messages.find((m) => m.id === id);
    if (message === undefined) return apiError(res, 404, 'notFound', 'Requested entity was not found.');
    const all = [
      { name: 'Date', value: new Date(message.date).toUTCString().replace('GMT', '+0000') },
      { name: 'From', value: message.from },
      { name: 'To', value: email },
      { name: 'Message-ID', value: `<${message.id}@mail.example.test>` },
      ...(message.subject !== undefined ? [{ name: 'Subject', value: message.subject }] : []),
    ];
    const wanted = q.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const headers = format === 'metadata' && wanted.length > 0 ? all.filter((h) => wanted.includes(h.name.toLowerCase())) : all;
    sendJson(res, 200, {
      id: message.id,
      threadId: message.threadId ?? message.id,
      labelIds: message.labelIds,
      snippet: message.snippet ?? '',
      sizeEstimate: 4096,
      historyId: '123456',
      internalDate: String(Date.parse(message.date)),
      ...(format === 'minimal' ? {} : { payload: { partId: '', mimeType: 'multipart/alternative', filename: '', headers } }),
    });
  };

  const listFiles = (url: URL, grant: Grant, res: ServerResponse): void => {
    if (!hasAny(grant, DRIVE_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const filter = (q.get('q') ?? '').replace(/\s+/g, '');
    if (filter !== '' && filter !== 'trashed=false') return apiError(res, 400, 'invalid', 'Invalid Value', {});
    const order = q.get('orderBy') ?? '';
    const matching = files
      .filter((file) => filter === '' || file.trashed !== true)
      .sort((a, b) => (order === 'modifiedTime desc' ? Date.parse(b.modifiedTime) - Date.parse(a.modifiedTime) : order === 'modifiedTime' ? Date.parse(a.modifiedTime) - Date.parse(b.modifiedTime) : 0));
    const { items, next } = page(matching, q, 'pageSize', 100, 1000);
    const fields = q.get('fields');
    sendJson(res, 200, {
      ...(fields === null ? { kind: 'drive#fileList', incompleteSearch: false } : {}),
      ...(next !== undefined && (fields === null || fields.includes('nextPageToken')) ? { nextPageToken: next } : {}),
      files: items.map((file) =>
        selectFileFields(
          {
            kind: 'drive#file',
            id: file.id,
            name: file.name,
            mimeType: file.mimeType,
            modifiedTime: file.modifiedTime,
            trashed: file.trashed ?? false,
            ...(file.webViewLink !== undefined ? { webViewLink: file.webViewLink } : {}),
          },
          fields,
        ),
      ),
    });
  };

  const api = (req: IncomingMessage, url: URL, bearer: string | undefined, res: ServerResponse): void => {
    if (req.method !== 'GET') return apiError(res, 405, 'methodNotAllowed', 'Method not allowed');
    if (apiFailure !== null) return apiError(res, apiFailure, 'backendError', 'The service is currently unavailable.');
    const grant = authorized(bearer, res);
    if (grant === undefined) return;
    const path = url.pathname;
    if (path === '/calendar/v3/calendars/primary/events') return calendarEvents(url, grant, res);
    if (path === '/gmail/v1/users/me/labels/INBOX') return inboxLabel(grant, res);
    if (path === '/gmail/v1/users/me/messages') return listMessages(url, grant, res);
    const message = /^\/gmail\/v1\/users\/me\/messages\/([^/]+)$/.exec(path);
    if (message?.[1] !== undefined) return getMessage(url, decodeURIComponent(message[1]), grant, res);
    if (path === '/drive/v3/files') return listFiles(url, grant, res);
    apiError(res, 404, 'notFound', 'Not Found');
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
