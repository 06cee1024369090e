import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveOAuthStateKey, SealedOAuthStateCookie } from './sealed-oauth-state.js';

const key = deriveOAuthStateKey(randomBytes(24).toString('base64url'));
const pending = { sessionId: 'flow-1', codeVerifier: 'v'.repeat(43), nonce: 'n-1', context: { next: '/containers' } };

async function sealed(now = 0): Promise<string> {
  const store = new SealedOAuthStateCookie({ key, now: () => now });
  await store.save('state-1', pending);
  return store.sealed ?? '';
}

describe('SealedOAuthStateCookie', () => {
  it('gives back the pending login to the browser that holds the cookie, once', async () => {
    const store = new SealedOAuthStateCookie({ key, incoming: await sealed(), now: () => 1 });
    expect(store.incomingSessionId()).toBe('flow-1');
    expect(await store.consume('state-1', 'flow-1')).toEqual({ status: 'valid', pending });
    expect(await store.consume('state-1', 'flow-1')).toEqual({ status: 'session_mismatch' });
  });

  it('keeps the verifier secret: the cookie is encrypted', async () => {
    const cookie = await sealed();
    expect(cookie).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cookie.slice(3), 'base64url').toString('latin1')).not.toContain('vvvvvvvv');
  });

  it('refuses another state, another key, a tampered or missing cookie, and an old one', async () => {
    const cookie = await sealed();
    const consume = (incoming: string | undefined, state = 'state-1', options: { now?: number; key?: Buffer } = {}) =>
      new SealedOAuthStateCookie({ key: options.key ?? key, incoming, now: () => options.now ?? 1 }).consume(state, 'flow-1');
    expect(await consume(cookie, 'state-2')).toEqual({ status: 'unknown' });
    expect(await consume(cookie, 'state-1', { key: deriveOAuthStateKey('another secret') })).toEqual({ status: 'unknown' });
    const flipped = `${cookie.slice(0, -2)}${cookie.at(-2) === 'A' ? 'B' : 'A'}${cookie.at(-1)}`;
    expect(await consume(flipped)).toEqual({ status: 'unknown' });
    expect(await consume(undefined)).toEqual({ status: 'session_mismatch' });
    expect(await consume('garbage')).toEqual({ status: 'unknown' });
    expect(await consume(cookie, 'state-1', { now: 10 * 60 * 1000 })).toEqual({ status: 'expired' });
    const other = new SealedOAuthStateCookie({ key, incoming: cookie, now: () => 1 });
    expect(await other.consume('state-1', 'flow-2')).toEqual({ status: 'session_mismatch' });
  });
});
