import {
  allowInsecureRequests,
  authorizationCodeGrant,
  AuthorizationResponseError,
  buildAuthorizationUrl,
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  discovery,
  enableNonRepudiationChecks,
  fetchUserInfo,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  type Configuration,
} from 'openid-client';
import { InMemoryOAuthStateStore, verifyCallback, type OAuthStateStore } from './oauth-state.js';
import { createAuthorizationSecrets } from './pkce.js';
import type { AuthUser, Role } from './roles.js';

export interface OidcOptions {
  /** Issuer identifier, e.g. https://auth.home.example/application/o/dashboard/ (discovery is fetched from it). */
  issuerUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** Absolute callback URL registered at the provider; no query string or fragment. */
  redirectUri: string;
  /** Default `['openid', 'profile', 'email']`; `openid` is always included. */
  scopes?: readonly string[];
  /** Claim holding the user's groups, default `groups`; a dotted path (`realm_access.roles`) reaches nested claims. */
  roleClaim?: string;
  /** Members of any of these groups become `admin`; everyone else is `viewer`. Default: none. */
  adminGroups?: readonly string[];
  /** Permit plain-HTTP issuers, for a fake provider on loopback only. */
  allowInsecureHttpForTesting?: boolean;
  /** Where pending logins live, default an {@link InMemoryOAuthStateStore}. */
  stateStore?: OAuthStateStore;
  /** Merge the userinfo endpoint's claims into the ID token's (many providers only put groups there). Default true. */
  fetchUserInfo?: boolean;
  /** How the client authenticates at the token endpoint, default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Timeout for each request to the provider, default 10 s. */
  timeoutSeconds?: number;
}

/** The principal produced by an OIDC login. */
export interface OidcUser extends AuthUser {
  provider: 'oidc';
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  groups: readonly string[];
}

/**
 * Why a callback was refused after its state checked out:
 * - `provider_error`: the provider answered with an error (user denied consent, …);
 * - `token_rejected`: the token endpoint refused the code (bad/reused code, wrong PKCE verifier);
 * - `response_invalid`: the ID token or a response failed validation (audience, issuer, nonce, signature, expiry);
 * - `userinfo_rejected`: the userinfo endpoint refused the access token.
 */
export type OidcLoginErrorCode = 'provider_error' | 'token_rejected' | 'response_invalid' | 'userinfo_rejected';

export class OidcLoginError extends Error {
  override readonly name = 'OidcLoginError';

  constructor(
    readonly code: OidcLoginErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The provider could not be used — unreachable, answering 5xx, or refusing our client
 * credentials. A server-side problem (log it, answer 5xx), not a refused login. The
 * upstream error is kept as `cause`, never its HTTP status, so frameworks do not echo it.
 */
export class OidcProviderError extends Error {
  override readonly name = 'OidcProviderError';
}

export interface BeginLoginOptions {
  loginHint?: string;
  /** Keep this login's pending state here instead of the store given at discovery (e.g. a per-request cookie store). */
  stateStore?: OAuthStateStore;
  prompt?: string;
  /** Non-secret values handed back by {@link OidcLogin.complete} (e.g. where to go afterwards). */
  context?: Readonly<Record<string, string>>;
}

export interface CompletedLogin {
  user: OidcUser;
  context?: Readonly<Record<string, string>>;
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email'] as const;

/** openid-client error codes that mean "the provider's answer did not validate", as opposed to an outage. */
const VALIDATION_FAILURES = new Set([
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_PARSE_ERROR',
  'OAUTH_KEY_SELECTION_FAILED',
]);

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Provider error codes are attacker-controllable (they arrive in the URL); keep only a safe token for messages. */
function safeErrorCode(value: string): string {
  return /^[a-z_]{1,64}$/.test(value) ? value : 'invalid';
}

/** Reads the groups at `roleClaim`: an exact claim name first (Auth0-style URL claims), then a dotted path. */
export function readGroups(claims: Readonly<Record<string, unknown>>, roleClaim = 'groups'): string[] {
  let value: unknown = Object.hasOwn(claims, roleClaim) ? claims[roleClaim] : undefined;
  if (value === undefined && roleClaim.includes('.')) {
    value = roleClaim.split('.').reduce<unknown>((node, key) => {
      return typeof node === 'object' && node !== null && Object.hasOwn(node, key)
        ? (node as Record<string, unknown>)[key]
        : undefined;
    }, claims);
  }
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
  return [];
}

/** `admin` when any group at `roleClaim` is listed in `adminGroups`, otherwise `viewer`. */
export function mapClaimsToRole(
  claims: Readonly<Record<string, unknown>>,
  options: { roleClaim?: string; adminGroups?: readonly string[] } = {},
): Role {
  const adminGroups = new Set(options.adminGroups ?? []);
  return readGroups(claims, options.roleClaim).some((group) => adminGroups.has(group)) ? 'admin' : 'viewer';
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function toUser(claims: Readonly<Record<string, unknown>>, issuer: string, subject: string, options: OidcOptions): OidcUser {
  const email = optionalString(claims['email']);
  const name = optionalString(claims['name']);
  const user: OidcUser = {
    id: subject,
    username: optionalString(claims['preferred_username']) ?? email ?? subject,
    role: mapClaimsToRole(claims, options),
    provider: 'oidc',
    issuer,
    subject,
    groups: readGroups(claims, options.roleClaim),
  };
  if (email !== undefined) user.email = email;
  if (name !== undefined) user.name = name;
  return user;
}

/**
 * Turns openid-client failures into {@link OidcLoginError} when they mean "this login is
 * not acceptable" (→ 401), and into {@link OidcProviderError} for outages and
 * misconfiguration (5xx, `invalid_client`, network).
 */
function translateError(error: unknown, stage: 'token' | 'userinfo'): OidcLoginError | OidcProviderError {
  if (error instanceof OidcLoginError || error instanceof OidcProviderError) return error;
  if (error instanceof AuthorizationResponseError) {
    return new OidcLoginError('provider_error', `Identity provider returned "${safeErrorCode(error.error)}"`, { cause: error });
  }
  if (error instanceof ResponseBodyError && error.status < 500 && error.error !== 'invalid_client') {
    const code = stage === 'token' ? 'token_rejected' : 'userinfo_rejected';
    return new OidcLoginError(code, `Identity provider rejected the ${stage} request ("${safeErrorCode(error.error)}")`, {
      cause: error,
    });
  }
  // At the token endpoint a challenge means our client credentials were refused: misconfiguration.
  if (error instanceof WWWAuthenticateChallengeError && stage === 'userinfo' && error.status < 500) {
    return new OidcLoginError('userinfo_rejected', 'Identity provider rejected the access token', { cause: error });
  }
  if (error instanceof ClientError && error.code !== undefined && VALIDATION_FAILURES.has(error.code)) {
    return new OidcLoginError('response_invalid', `Identity provider response failed validation: ${error.message}`, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : 'unknown error';
  return new OidcProviderError(`Identity provider ${stage} request failed: ${detail}`, { cause: error });
}

/**
 * OpenID Connect authorization-code login (PKCE S256 + state + nonce) on openid-client v6,
 * with pending logins bound to the session that started them. Framework-neutral; the
 * Passport adapter is {@link OidcStrategy}.
 */
export class OidcLogin {
  private constructor(
    private readonly config: Configuration,
    private readonly options: OidcOptions,
    private readonly store: OAuthStateStore,
    private readonly scope: string,
  ) {}

  /** Fetches the provider's discovery document and returns a ready client. */
  static async discover(options: OidcOptions): Promise<OidcLogin> {
    const issuer = new URL(options.issuerUrl);
    const redirect = new URL(options.redirectUri);
    if (redirect.search !== '' || redirect.hash !== '') {
      throw new TypeError('OIDC redirectUri must not contain a query string or fragment');
    }
    if (!options.clientId || !options.clientSecret) throw new TypeError('OIDC clientId and clientSecret are required');
    const insecure = options.allowInsecureHttpForTesting === true;
    if (insecure && !isLoopbackHost(issuer.hostname)) {
      throw new TypeError('allowInsecureHttpForTesting is only honoured for loopback issuers');
    }
    const clientAuth =
      options.tokenEndpointAuthMethod === 'client_secret_post'
        ? ClientSecretPost(options.clientSecret)
        : ClientSecretBasic(options.clientSecret);
    const config = await discovery(issuer, options.clientId, undefined, clientAuth, {
      timeout: options.timeoutSeconds ?? 10,
      ...(insecure ? { execute: [allowInsecureRequests] } : {}),
    });
    // Verify ID token signatures against the provider's JWKS even though the token came
    // straight from the token endpoint: cheap, and it still holds if TLS is terminated early.
    enableNonRepudiationChecks(config);
    const scopes = new Set(['openid', ...(options.scopes ?? DEFAULT_SCOPES)]);
    return new OidcLogin(config, options, options.stateStore ?? new InMemoryOAuthStateStore(), [...scopes].join(' '));
  }

  get issuer(): string {
    return this.config.serverMetadata().issuer;
  }

  /** Creates a pending login for `sessionId` and returns the provider URL to redirect to. */
  async begin(sessionId: string, options: BeginLoginOptions = {}): Promise<{ url: string; state: string }> {
    if (!sessionId) throw new TypeError('OIDC login needs a session id to bind the login to');
    const { state, nonce, codeVerifier, codeChallenge } = createAuthorizationSecrets();
    await (options.stateStore ?? this.store).save(state, {
      sessionId,
      codeVerifier,
      nonce,
      ...(options.context !== undefined ? { context: options.context } : {}),
    });
    const params: Record<string, string> = {
      redirect_uri: this.options.redirectUri,
      scope: this.scope,
      state,
      nonce,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    };
    if (options.loginHint !== undefined) params['login_hint'] = options.loginHint;
    if (options.prompt !== undefined) params['prompt'] = options.prompt;
    return { url: buildAuthorizationUrl(this.config, params).href, state };
  }

  /**
   * Finishes a login from the callback's query parameters, for the session presenting them.
   * Throws OAuthStateError / OidcLoginError when the login must be refused.
   */
  async complete(
    sessionId: string | undefined,
    callbackParams: URLSearchParams,
    options: { stateStore?: OAuthStateStore } = {},
  ): Promise<CompletedLogin> {
    const state = callbackParams.get('state');
    const pending = await verifyCallback({ store: options.stateStore ?? this.store, sessionId, state });
    const currentUrl = new URL(this.options.redirectUri);
    for (const [key, value] of callbackParams) currentUrl.searchParams.append(key, value);

    let tokens: Awaited<ReturnType<typeof authorizationCodeGrant>>;
    try {
      tokens = await authorizationCodeGrant(this.config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state ?? undefined,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error: unknown) {
      throw translateError(error, 'token');
    }
    const idClaims = tokens.claims();
    if (idClaims === undefined) throw new OidcLoginError('response_invalid', 'Identity provider returned no ID token');

    let claims: Record<string, unknown> = { ...idClaims };
    if (this.options.fetchUserInfo !== false && this.config.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        // fetchUserInfo insists the userinfo `sub` equals the ID token's.
        claims = { ...claims, ...(await fetchUserInfo(this.config, tokens.access_token, idClaims.sub)) };
      } catch (error: unknown) {
        throw translateError(error, 'userinfo');
      }
    }
    const user = toUser(claims, idClaims.iss, idClaims.sub, this.options);
    return pending.context === undefined ? { user } : { user, context: pending.context };
  }
}
