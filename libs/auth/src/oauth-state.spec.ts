import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OAUTH_STATE_TTL_MS,
  InMemoryOAuthStateStore,
  OAuthStateError,
  verifyCallback,
  type OAuthStateErrorCode,
  type PendingAuthorization,
} from './oauth-state.js';
import { createAuthorizationRequest } from './pkce.js';

function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

const pending = (sessionId: string): PendingAuthorization => ({ sessionId, codeVerifier: 'v'.repeat(43), nonce: 'n-1' });

async function codeOf(promise: Promise<unknown>): Promise<OAuthStateErrorCode | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error: unknown) {
    if (error instanceof OAuthStateError) return error.code;
    throw error;
  }
}

describe('InMemoryOAuthStateStore + verifyCallback', () => {
  it('returns the verifier, nonce and context to the session that started the flow', async () => {
    const store = new InMemoryOAuthStateStore();
    const request = createAuthorizationRequest({
      authorizeUrl: 'https://discord.com/oauth2/authorize',
      clientId: 'c',
      redirectUri: 'https://bot.home.example/cb',
      scopes: ['identify'],
    });
    await store.save(request.state, {
      sessionId: 'session-a',
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      context: { provider: 'discord' },
    });
    await expect(verifyCallback({ store, sessionId: 'session-a', state: request.state })).resolves.toEqual({
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      context: { provider: 'discord' },
    });
  });

  it('is single-use: a second presentation is a replay', async () => {
    const store = new InMemoryOAuthStateStore();
    await store.save('state-1', pending('session-a'));
    expect(await codeOf(verifyCallback({ store, sessionId: 'session-a', state: 'state-1' }))).toBe('ok');
    expect(await codeOf(verifyCallback({ store, sessionId: 'session-a', state: 'state-1' }))).toBe('replayed');
  });

  it('rejects a state presented by another session, and burns it', async () => {
    const store = new InMemoryOAuthStateStore();
    await store.save('state-1', pending('attacker-session'));
    expect(await codeOf(verifyCallback({ store, sessionId: 'victim-session', state: 'state-1' }))).toBe('session_mismatch');
    // the rightful session cannot use it afterwards either: first lookup consumed it
    expect(await codeOf(verifyCallback({ store, sessionId: 'attacker-session', state: 'state-1' }))).toBe('replayed');
  });

  it('rejects a callback with no session, and burns the state', async () => {
    const store = new InMemoryOAuthStateStore();
    await store.save('state-1', pending('session-a'));
    expect(await codeOf(verifyCallback({ store, sessionId: undefined, state: 'state-1' }))).toBe('session_mismatch');
    expect(await codeOf(verifyCallback({ store, sessionId: 'session-a', state: 'state-1' }))).toBe('replayed');
  });

  it('expires after the TTL (default 10 minutes)', async () => {
    expect(DEFAULT_OAUTH_STATE_TTL_MS).toBe(600_000);
    const clock = manualClock();
    const store = new InMemoryOAuthStateStore({ now: clock.now });
    await store.save('fresh', pending('s'));
    await store.save('stale', pending('s'));
    clock.advance(DEFAULT_OAUTH_STATE_TTL_MS - 1);
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'fresh' }))).toBe('ok');
    clock.advance(1);
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'stale' }))).toBe('expired');
  });

  it('honours a custom TTL and eventually forgets states entirely', async () => {
    const clock = manualClock();
    const store = new InMemoryOAuthStateStore({ now: clock.now, ttlMs: 1_000 });
    await store.save('a', pending('s'));
    await store.save('b', pending('s'));
    clock.advance(1_000);
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'a' }))).toBe('expired');
    clock.advance(1_000);
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'b' }))).toBe('unknown');
    expect(store.size).toBe(0);
  });

  it('reports missing and unknown states', async () => {
    const store = new InMemoryOAuthStateStore();
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: undefined }))).toBe('missing');
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: '' }))).toBe('missing');
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: null }))).toBe('missing');
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'never-issued' }))).toBe('unknown');
    expect(await codeOf(verifyCallback({ store, sessionId: 's', state: 'x'.repeat(10_000) }))).toBe('unknown');
  });

  it('forgets the secrets once a state is consumed', async () => {
    const store = new InMemoryOAuthStateStore();
    await store.save('s1', pending('s'));
    const first = await store.consume('s1', 's');
    const second = await store.consume('s1', 's');
    expect(first.status).toBe('valid');
    expect(second).toEqual({ status: 'replayed' });
  });

  it('stays bounded, dropping the oldest states first', async () => {
    const store = new InMemoryOAuthStateStore({ maxEntries: 3 });
    for (const state of ['s1', 's2', 's3', 's4']) await store.save(state, pending('sess'));
    expect(store.size).toBe(3);
    expect(await codeOf(verifyCallback({ store, sessionId: 'sess', state: 's1' }))).toBe('unknown');
    expect(await codeOf(verifyCallback({ store, sessionId: 'sess', state: 's4' }))).toBe('ok');
  });

  it('refuses to save without a session or over an existing state', async () => {
    const store = new InMemoryOAuthStateStore();
    await expect(store.save('s1', pending(''))).rejects.toThrow(TypeError);
    await store.save('s1', pending('a'));
    await expect(store.save('s1', pending('b'))).rejects.toThrow(/already in use/);
  });

  it('never puts the state or session id in error messages', async () => {
    const store = new InMemoryOAuthStateStore();
    await store.save('secret-state-value', pending('secret-session'));
    const error = await verifyCallback({ store, sessionId: 'other-session', state: 'secret-state-value' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthStateError);
    expect(String((error as Error).message)).not.toMatch(/secret-state-value|secret-session|other-session/);
  });
});
