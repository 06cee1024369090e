import { calculatePKCECodeChallenge } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { computeCodeChallenge, createAuthorizationRequest, createCodeVerifier, randomUrlSafeToken } from './pkce.js';

describe('PKCE (RFC 7636)', () => {
  // RFC 7636 Appendix B. (A commonly pasted variant, verifier "…-mJ0gGjmVtIVvOdeeSE0TjQoOlFdg8g" with
  // challenge "…URWe-gEW0sNHvI", is corrupted: neither string is the RFC's and they do not match each other.)
  const RFC_VERIFIER_OCTETS = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88,
    83, 132, 141, 121,
  ];
  const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('matches the RFC 7636 Appendix B test vector', () => {
    expect(Buffer.from(RFC_VERIFIER_OCTETS).toString('base64url')).toBe(RFC_VERIFIER);
    expect(computeCodeChallenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('agrees with openid-client for fresh verifiers', async () => {
    for (let i = 0; i < 5; i += 1) {
      const verifier = createCodeVerifier();
      expect(computeCodeChallenge(verifier)).toBe(await calculatePKCECodeChallenge(verifier));
    }
  });

  it('creates 43-character unreserved verifiers that differ every time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => createCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rejects verifiers outside RFC 7636 §4.1', () => {
    expect(() => computeCodeChallenge('too-short')).toThrow(TypeError);
    expect(() => computeCodeChallenge('a'.repeat(129))).toThrow(TypeError);
    expect(() => computeCodeChallenge(`${'a'.repeat(43)}+`)).toThrow(TypeError);
  });

  it('refuses tokens with less than 128 bits of entropy', () => {
    expect(() => randomUrlSafeToken(8)).toThrow(RangeError);
    expect(randomUrlSafeToken(16)).toHaveLength(22);
  });
});

describe('createAuthorizationRequest', () => {
  const base = {
    authorizeUrl: 'https://id.twitch.tv/oauth2/authorize',
    clientId: 'twitch-client',
    redirectUri: 'https://bot.home.example/auth/twitch/callback',
    scopes: ['chat:read', 'chat:edit'],
  };

  it('builds an S256 authorization-code URL carrying state and nonce', () => {
    const request = createAuthorizationRequest(base);
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(base.authorizeUrl);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      response_type: 'code',
      client_id: 'twitch-client',
      redirect_uri: base.redirectUri,
      scope: 'chat:read chat:edit',
      state: request.state,
      nonce: request.nonce,
      code_challenge: computeCodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
    expect(request.codeChallenge).toBe(params['code_challenge']);
    expect(url.searchParams.has('code_verifier')).toBe(false);
  });

  it('uses fresh, distinct, high-entropy values per request', () => {
    const a = createAuthorizationRequest(base);
    const b = createAuthorizationRequest(base);
    expect(new Set([a.state, a.nonce, a.codeVerifier, b.state, b.nonce, b.codeVerifier]).size).toBe(6);
    expect(a.state.length).toBeGreaterThanOrEqual(43);
  });

  it('keeps existing query parameters and adds extras', () => {
    const request = createAuthorizationRequest({
      ...base,
      authorizeUrl: 'https://accounts.example/o/oauth2/v2/auth?hd=home.example',
      extraParams: { access_type: 'offline', prompt: 'consent' },
    });
    const url = new URL(request.url);
    expect(url.searchParams.get('hd')).toBe('home.example');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
  });

  it('does not let extraParams replace security parameters', () => {
    for (const key of ['state', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'nonce', 'client_id']) {
      expect(() => createAuthorizationRequest({ ...base, extraParams: { [key]: 'x' } }), key).toThrow(TypeError);
    }
  });

  it('rejects relative redirect URIs and non-http authorize URLs', () => {
    expect(() => createAuthorizationRequest({ ...base, redirectUri: '/callback' })).toThrow();
    expect(() => createAuthorizationRequest({ ...base, authorizeUrl: 'javascript:alert(1)' })).toThrow(TypeError);
  });
});
