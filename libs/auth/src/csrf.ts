import { Tokens } from '@fastify/csrf';

/** Tokens longer than this are not ours; refused before any hashing. */
const MAX_TOKEN_LENGTH = 256;

/**
 * Synchronizer CSRF tokens (@fastify/csrf): one secret per session, stored server-side;
 * any number of salted HMAC tokens derived from it, each valid for the session's lifetime.
 * A page on another origin can neither read a token nor set the custom header carrying it.
 */
export class CsrfTokens {
  private readonly tokens = new Tokens({ secretLength: 32, saltLength: 16, algorithm: 'sha256' });

  newSecret(): string {
    return this.tokens.secretSync();
  }

  issue(secret: string): string {
    return this.tokens.create(secret);
  }

  /** Constant-time check of a presented token (non-strings and oversized values fail). */
  verify(secret: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return false;
    return this.tokens.verify(secret, token);
  }
}
