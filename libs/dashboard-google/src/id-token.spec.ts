import { describe, expect, it } from 'vitest';
import { decodeIdToken, hasAudience } from './id-token.js';
import { parseScopes } from './google-scopes.js';

function jwt(claims: unknown): string {
  return `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
}

describe('decodeIdToken', () => {
  it('reads audience, email and nonce', () => {
    const token = decodeIdToken(jwt({ aud: 'client', email: 'a@example.test', nonce: 'n', sub: '1' }));
    expect(token).toEqual({ aud: 'client', email: 'a@example.test', nonce: 'n' });
    expect(hasAudience(token as NonNullable<typeof token>, 'client')).toBe(true);
    expect(hasAudience({ aud: ['x', 'client'] }, 'client')).toBe(true);
    expect(hasAudience({ aud: 'other' }, 'client')).toBe(false);
  });

  it('is undefined for anything that is not a JWT with an audience', () => {
    for (const value of [undefined, null, '', 'a.b', 'a.!!!.c', jwt({ email: 'x' }), jwt('text')]) expect(decodeIdToken(value)).toBeUndefined();
  });
});

describe('parseScopes', () => {
  it('splits, de-duplicates and sorts', () => {
    expect(parseScopes(' openid  b a openid ')).toEqual(['a', 'b', 'openid']);
    expect(parseScopes(undefined)).toEqual([]);
  });
});
