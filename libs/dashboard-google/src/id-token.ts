import { z } from 'zod';

const claims = z.object({
  aud: z.union([z.string(), z.array(z.string())]),
  email: z.string().max(320).optional(),
  nonce: z.string().optional(),
});

export type IdTokenClaims = z.infer<typeof claims>;

/**
 * The claims of an ID token received straight from the token endpoint over TLS, authenticated
 * with the client secret — so, as OpenID Connect Core §3.1.3.7 allows, its signature is not
 * checked again; only what we use is (audience, nonce). Undefined when it is not a JWT.
 */
export function decodeIdToken(idToken: string | null | undefined): IdTokenClaims | undefined {
  if (typeof idToken !== 'string') return undefined;
  const parts = idToken.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const parsed = claims.safeParse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function hasAudience(token: IdTokenClaims, clientId: string): boolean {
  return Array.isArray(token.aud) ? token.aud.includes(clientId) : token.aud === clientId;
}
