import { randomUUID } from 'node:crypto';
import { CodeChallengeMethod, type Credentials } from 'google-auth-library';
import { createAuthorizationSecrets, OAuthStateError, SealedOAuthStateCookie, verifyCallback } from '@homelab/auth';
import { redactor } from '@homelab/secrets';
import type { GoogleAccountRecord, GoogleAccountRepository } from './google-account.repository.js';
import { GoogleConnectError } from './google-errors.js';
import { classifyGoogleError, describeFailure } from './google-failure.js';
import { GOOGLE_REQUESTED_SCOPES, parseScopes } from './google-scopes.js';
import { createOAuthClient, type GoogleSettings } from './google-settings.js';
import type { GoogleTokenCipher } from './google-token-cipher.js';
import { decodeIdToken, hasAudience } from './id-token.js';

/** How long an admin may take on Google's consent page. */
export const GOOGLE_CONNECT_TTL_MS = 10 * 60 * 1000;

/** Looks up the account that started a connection (UsersRepository fits). */
export interface AdminLookup {
  get(id: string): Promise<{ role: string; disabled: boolean } | null>;
}

export interface GoogleConnectFlowOptions {
  settings: GoogleSettings;
  /** Seals the pending connection into the browser's cookie (deriveOAuthStateKey of a secret every replica shares). */
  stateKey: Buffer;
  /** Undefined without DATA_ENCRYPTION_KEYS: nothing is connected then. */
  tokens: GoogleTokenCipher | undefined;
  repository: GoogleAccountRepository;
  users: AdminLookup;
  ttlMs?: number;
  now?: () => number;
}

export interface ConnectStart {
  /** Google's consent page. */
  url: string;
  /** The sealed pending connection, for a short-lived SameSite=Lax HttpOnly cookie. */
  cookie: string;
}

export interface ConnectResult {
  account: GoogleAccountRecord;
  /** The connection this one replaced, if any (its grant should be revoked). */
  previous: GoogleAccountRecord | null;
}

/**
 * Connecting the installation's Google account: authorization code with S256 PKCE, a random
 * state and a nonce, `access_type=offline` + `prompt=consent` (so Google always sends a refresh
 * token), exactly {@link GOOGLE_REQUESTED_SCOPES}. The pending connection — state, PKCE
 * verifier, nonce, redirect URI and the admin who started it — lives only in a sealed cookie
 * (AES-256-GCM), so any replica can finish it and only the browser that started it can.
 */
export class GoogleConnectFlow {
  private readonly ttlMs: number;

  constructor(private readonly options: GoogleConnectFlowOptions) {
    this.ttlMs = options.ttlMs ?? GOOGLE_CONNECT_TTL_MS;
  }

  async begin(adminId: string, redirectUri: string): Promise<ConnectStart> {
    if (this.options.tokens === undefined) {
      throw new GoogleConnectError('encryption_keys_missing', 'Google tokens are stored encrypted: set DATA_ENCRYPTION_KEYS and restart the dashboard');
    }
    const { state, nonce, codeVerifier, codeChallenge } = createAuthorizationSecrets();
    const store = this.cookieStore(undefined);
    await store.save(state, { sessionId: adminId, codeVerifier, nonce, context: { redirectUri } });
    if (store.sealed === undefined) throw new Error('the pending Google connection was not sealed');
    const url = createOAuthClient(this.options.settings, redirectUri).generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [...GOOGLE_REQUESTED_SCOPES],
      state,
      nonce,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    return { url, cookie: store.sealed };
  }

  /** Finishes a connection from the callback's query and the cookie `begin` set. Throws GoogleConnectError. */
  async complete(query: URLSearchParams, cookie: string | undefined): Promise<ConnectResult> {
    const store = this.cookieStore(cookie);
    const adminId = store.incomingSessionId();
    let verified: Awaited<ReturnType<typeof verifyCallback>>;
    try {
      verified = await verifyCallback({ store, sessionId: adminId, state: query.get('state') });
    } catch (error) {
      if (error instanceof OAuthStateError) throw new GoogleConnectError('state_invalid', `Google callback refused: ${error.code}`);
      throw error;
    }
    const providerError = query.get('error');
    if (providerError !== null) throw new GoogleConnectError('access_denied', `Google did not grant access (${providerError.slice(0, 64)})`);
    const redirectUri = verified.context?.['redirectUri'];
    const code = query.get('code');
    if (adminId === undefined || redirectUri === undefined) throw new GoogleConnectError('state_invalid', 'Google callback refused: incomplete pending connection');
    await this.requireAdmin(adminId);
    if (code === null || code.length === 0 || code.length > 2048) throw new GoogleConnectError('exchange_failed', 'Google callback without an authorization code');
    const tokens = this.options.tokens;
    if (tokens === undefined) throw new GoogleConnectError('encryption_keys_missing', 'Google tokens are stored encrypted: set DATA_ENCRYPTION_KEYS');

    const credentials = await this.exchange(code, verified.codeVerifier, redirectUri);
    const refreshToken = credentials.refresh_token;
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
      throw new GoogleConnectError('no_refresh_token', 'Google sent no refresh token');
    }
    redactor.register(refreshToken);
    const identity = decodeIdToken(credentials.id_token);
    if (identity !== undefined && (!hasAudience(identity, this.options.settings.clientId) || identity.nonce !== verified.nonce)) {
      throw new GoogleConnectError('exchange_failed', 'Google sent an ID token for another client or login');
    }
    const accessToken = credentials.access_token ?? null;
    const account = {
      generation: randomUUID(),
      email: identity?.email ?? null,
      scopes: parseScopes(credentials.scope),
      refreshTokenSecret: tokens.seal('refresh_token', refreshToken),
      accessTokenSecret: accessToken === null ? null : tokens.seal('access_token', accessToken),
      accessExpiresAt: typeof credentials.expiry_date === 'number' ? new Date(credentials.expiry_date) : null,
      connectedBy: adminId,
    };
    const previous = await this.options.repository.replace(account);
    const stored = await this.options.repository.get();
    if (stored === null) throw new Error('the Google account vanished right after it was stored');
    return { account: stored, previous };
  }

  private cookieStore(incoming: string | undefined): SealedOAuthStateCookie {
    return new SealedOAuthStateCookie({
      key: this.options.stateKey,
      incoming,
      ttlMs: this.ttlMs,
      ...(this.options.now !== undefined ? { now: this.options.now } : {}),
    });
  }

  /** Only an admin connects; one who was demoted, disabled or deleted meanwhile cannot finish. */
  private async requireAdmin(adminId: string): Promise<void> {
    const user = await this.options.users.get(adminId);
    if (user === null || user.disabled || user.role !== 'admin') {
      throw new GoogleConnectError('not_admin', 'The connection was started by an account that is no longer an active admin');
    }
  }

  private async exchange(code: string, codeVerifier: string, redirectUri: string): Promise<Credentials> {
    try {
      const { tokens } = await createOAuthClient(this.options.settings, redirectUri).getToken({ code, codeVerifier, redirect_uri: redirectUri });
      return tokens;
    } catch (error) {
      const failure = classifyGoogleError(error);
      if (failure === undefined) throw error;
      const unreachable = failure.kind === 'timeout' || failure.kind === 'unreachable' || (failure.kind === 'http' && failure.status >= 500);
      throw new GoogleConnectError(unreachable ? 'google_unavailable' : 'exchange_failed', `Google refused the authorization code: ${describeFailure(failure)}`);
    }
  }
}
