import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of entropy in a session token (256 bits). */
export const SESSION_TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session token for the cookie; only its hash is stored. */
export function createSessionToken(): string {
  return randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
}

/** True for strings shaped like {@link createSessionToken}'s output, so junk never reaches the database. */
export function isWellFormedSessionToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/** The stored id of a session: SHA-256 (hex) of its token, so a leaked table hands out no sessions. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (hashing first, so lengths need not match and are not revealed). */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
