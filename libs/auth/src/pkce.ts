import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1: 43-128 characters from the unreserved set. */
const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** A URL-safe random token carrying `bytes` bytes of entropy (default 32 = 256 bits). */
export function randomUrlSafeToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('randomUrlSafeToken: at least 16 bytes of entropy');
  return randomBytes(bytes).toString('base64url');
}

/** A fresh PKCE code verifier: 32 random bytes, base64url, 43 characters (RFC 7636 §4.1). */
export function createCodeVerifier(): string {
  return randomUrlSafeToken(32);
}

/** The S256 code challenge: BASE64URL(SHA-256(ASCII(code_verifier))) (RFC 7636 §4.2). */
export function computeCodeChallenge(codeVerifier: string): string {
  if (typeof codeVerifier !== 'string' || !CODE_VERIFIER_PATTERN.test(codeVerifier)) {
    throw new TypeError('computeCodeChallenge: code verifier must be 43-128 unreserved characters (RFC 7636 §4.1)');
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export interface AuthorizationRequestOptions {
  /** The provider's authorization endpoint (e.g. https://id.twitch.tv/oauth2/authorize). */
  authorizeUrl: string | URL;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  /** Provider-specific extras (prompt, access_type, …). Cannot override the security parameters. */
  extraParams?: Readonly<Record<string, string>>;
}

export interface AuthorizationRequest {
  /** Where to send the browser. */
  url: string;
  /** Goes into the state store, keyed to the session that started the flow. */
  state: string;
  /** Secret: keep server-side until the callback, then send to the token endpoint. */
  codeVerifier: string;
  /** For OpenID Connect providers: must come back in the ID token. */
  nonce: string;
  codeChallenge: string;
}

/** Fresh per-request secrets: 256-bit state and nonce, a PKCE verifier and its S256 challenge. */
export function createAuthorizationSecrets(): Pick<AuthorizationRequest, 'state' | 'nonce' | 'codeVerifier' | 'codeChallenge'> {
  const codeVerifier = createCodeVerifier();
  return {
    state: randomUrlSafeToken(32),
    nonce: randomUrlSafeToken(32),
    codeVerifier,
    codeChallenge: computeCodeChallenge(codeVerifier),
  };
}

/** Parameters that carry the flow's security; extraParams may not replace them. */
const RESERVED_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Builds an authorization-code request with S256 PKCE, a random `state` and a `nonce`.
 * The caller stores `{ state → codeVerifier, nonce }` in an {@link OAuthStateStore} bound
 * to the current session before redirecting.
 */
export function createAuthorizationRequest(options: AuthorizationRequestOptions): AuthorizationRequest {
  const url = new URL(options.authorizeUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('createAuthorizationRequest: authorizeUrl must be an http(s) URL');
  }
  if (!options.clientId) throw new TypeError('createAuthorizationRequest: clientId is required');
  new URL(options.redirectUri); // throws on a relative or malformed redirect URI
  for (const key of Object.keys(options.extraParams ?? {})) {
    if (RESERVED_PARAMS.has(key)) {
      throw new TypeError(`createAuthorizationRequest: extraParams may not set "${key}"`);
    }
  }

  const { state, nonce, codeVerifier, codeChallenge } = createAuthorizationSecrets();

  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', options.clientId);
  params.set('redirect_uri', options.redirectUri);
  if (options.scopes.length > 0) params.set('scope', options.scopes.join(' '));
  params.set('state', state);
  params.set('nonce', nonce);
  params.set('code_challenge', codeChallenge);
  params.set('code_challenge_method', 'S256');
  for (const [key, value] of Object.entries(options.extraParams ?? {})) params.set(key, value);

  return { url: url.href, state, codeVerifier, nonce, codeChallenge };
}
