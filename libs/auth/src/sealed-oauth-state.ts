import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_OAUTH_STATE_TTL_MS, type OAuthStateStore, type PendingAuthorization, type StateLookup } from './oauth-state.js';
import { secretsEqual } from './session-token.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Cookies above ~4 KB are dropped by browsers; ours are ~400 bytes. */
const MAX_SEALED_LENGTH = 3_000;

const sealedPayload = z.object({
  state: z.string().min(1).max(512),
  exp: z.number(),
  pending: z.object({
    sessionId: z.string().min(1).max(256),
    codeVerifier: z.string().min(43).max(128),
    nonce: z.string().min(1).max(256),
    context: z.record(z.string(), z.string()).optional(),
  }),
});

/**
 * Derives the key that seals pending OIDC logins from a secret every replica shares
 * (the OIDC client secret), so a callback may land on any replica.
 */
export function deriveOAuthStateKey(secret: string): Buffer {
  if (secret.length === 0) throw new TypeError('deriveOAuthStateKey: secret must not be empty');
  return Buffer.from(hkdfSync('sha256', secret, 'homelab-dashboard', 'oauth-state-cookie v1', 32));
}

function seal(key: Buffer, payload: z.infer<typeof sealedPayload>): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

function open(key: Buffer, sealed: string): z.infer<typeof sealedPayload> | null {
  if (sealed.length > MAX_SEALED_LENGTH || !sealed.startsWith(`${VERSION}.`)) return null;
  const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    const parsed = sealedPayload.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface SealedOAuthStateOptions {
  /** From {@link deriveOAuthStateKey}. */
  key: Buffer;
  /** The pre-login cookie the callback arrived with, if any. */
  incoming?: string | undefined;
  /** How long a login may take, default 10 minutes. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * An {@link OAuthStateStore} for one request whose storage is the browser's short-lived,
 * HttpOnly pre-login cookie, sealed with AES-256-GCM: `save` produces {@link sealed} for the
 * response, `consume` opens the cookie the callback brought. Nothing is kept server-side, so
 * replicas need no shared store; a callback is accepted only by the browser that started the
 * login (it alone holds the cookie holding the state, PKCE verifier and nonce), and a code
 * can be redeemed once because the provider refuses a second exchange.
 */
export class SealedOAuthStateCookie implements OAuthStateStore {
  /** Set by `save`: the cookie value to send. */
  sealed: string | undefined;
  private incoming: string | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SealedOAuthStateOptions) {
    if (options.key.length !== 32) throw new RangeError('SealedOAuthStateCookie: key must be 32 bytes');
    this.incoming = options.incoming;
    this.ttlMs = options.ttlMs ?? DEFAULT_OAUTH_STATE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The session id bound into the incoming cookie (what `consume` must be called with), if the cookie opens. */
  incomingSessionId(): string | undefined {
    return this.incoming === undefined ? undefined : open(this.options.key, this.incoming)?.pending.sessionId;
  }

  async save(state: string, pending: PendingAuthorization): Promise<void> {
    if (!state) throw new TypeError('SealedOAuthStateCookie.save: state is required');
    if (!pending.sessionId) throw new TypeError('SealedOAuthStateCookie.save: a session id is required to bind the state');
    this.sealed = seal(this.options.key, { state, exp: this.now() + this.ttlMs, pending: { ...pending } });
  }

  async consume(state: string, sessionId: string): Promise<StateLookup> {
    const incoming = this.incoming;
    // single use within this request, like the server-side stores
    this.incoming = undefined;
    if (incoming === undefined) return { status: 'session_mismatch' };
    const payload = open(this.options.key, incoming);
    if (payload === null || !secretsEqual(state, payload.state)) return { status: 'unknown' };
    if (this.now() >= payload.exp) return { status: 'expired' };
    if (!secretsEqual(sessionId, payload.pending.sessionId)) return { status: 'session_mismatch' };
    const { context, ...rest } = payload.pending;
    return { status: 'valid', pending: context === undefined ? rest : { ...rest, context } };
  }
}
