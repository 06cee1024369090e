import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Why a callback's `state` was refused:
 * - `missing`: the callback carried no state;
 * - `unknown`: never issued by us, or long gone;
 * - `expired`: issued, but the login took longer than the TTL;
 * - `session_mismatch`: issued to a different session — a forged or forwarded callback,
 *   the account-linking hijack this store exists to stop (also used when the callback has no session);
 * - `replayed`: already used once.
 */
export type OAuthStateErrorCode = 'missing' | 'unknown' | 'expired' | 'session_mismatch' | 'replayed';

export class OAuthStateError extends Error {
  override readonly name = 'OAuthStateError';

  constructor(readonly code: OAuthStateErrorCode) {
    super(MESSAGES[code]);
  }
}

const MESSAGES: Readonly<Record<OAuthStateErrorCode, string>> = {
  missing: 'OAuth callback rejected: no state parameter',
  unknown: 'OAuth callback rejected: unknown state',
  expired: 'OAuth callback rejected: the login request expired, please start again',
  session_mismatch: 'OAuth callback rejected: the login was started by a different session',
  replayed: 'OAuth callback rejected: this login response was already used',
};

/** What is remembered between the redirect to the provider and its callback. */
export interface PendingAuthorization {
  /** The session that started the flow; only it may complete it. */
  sessionId: string;
  codeVerifier: string;
  nonce: string;
  /** Small non-secret extras the caller wants back (provider name, link target, …). */
  context?: Readonly<Record<string, string>>;
}

export type StateLookup =
  | { status: 'valid'; pending: PendingAuthorization }
  | { status: Exclude<OAuthStateErrorCode, 'missing'> };

/**
 * Storage for in-flight authorization requests. Implementations must make `consume`
 * single-use and atomic (a second call for the same state never returns `valid`) and
 * must compare the session id, so a Redis/Postgres version can replace the in-memory one.
 */
export interface OAuthStateStore {
  save(state: string, pending: PendingAuthorization): Promise<void>;
  consume(state: string, sessionId: string): Promise<StateLookup>;
}

export interface InMemoryOAuthStateStoreOptions {
  /** How long a login may take, default 10 minutes. */
  ttlMs?: number;
  /** Upper bound on remembered states (oldest dropped first), default 10 000. */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  /** Dropped once consumed so secrets do not outlive their use. */
  pending: PendingAuthorization | undefined;
  expiresAt: number;
  /** Entries (and tombstones of consumed ones) are kept a little past expiry to tell `expired`/`replayed` from `unknown`. */
  forgetAt: number;
}

export const DEFAULT_OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

function sameSession(a: string, b: string): boolean {
  // Hash first so lengths match and comparison time reveals nothing about the stored id.
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Single-process {@link OAuthStateStore}. Fine for one replica; use a shared store when scaling out. */
export class InMemoryOAuthStateStore implements OAuthStateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: InMemoryOAuthStateStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_OAUTH_STATE_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0)) throw new RangeError('InMemoryOAuthStateStore: ttlMs must be positive');
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('InMemoryOAuthStateStore: maxEntries must be a positive integer');
    }
  }

  /** Entries currently remembered, including tombstones. */
  get size(): number {
    return this.entries.size;
  }

  async save(state: string, pending: PendingAuthorization): Promise<void> {
    if (!state) throw new TypeError('OAuthStateStore.save: state is required');
    if (!pending.sessionId) throw new TypeError('OAuthStateStore.save: a session id is required to bind the state');
    if (this.entries.has(state)) throw new Error('OAuthStateStore.save: state already in use');
    const now = this.now();
    this.sweep(now);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    const expiresAt = now + this.ttlMs;
    this.entries.set(state, { pending: { ...pending }, expiresAt, forgetAt: expiresAt + this.ttlMs });
  }

  async consume(state: string, sessionId: string): Promise<StateLookup> {
    const now = this.now();
    this.sweep(now);
    const entry = this.entries.get(state);
    if (entry === undefined) return { status: 'unknown' };
    const pending = entry.pending;
    if (pending === undefined) return { status: 'replayed' };
    // Burn it before any other check: whatever happens next, this state is used up.
    entry.pending = undefined;
    if (now >= entry.expiresAt) return { status: 'expired' };
    if (!sameSession(pending.sessionId, sessionId)) return { status: 'session_mismatch' };
    return { status: 'valid', pending };
  }

  /** Entries are inserted with a fixed TTL, so map order is expiry order: stop at the first live one. */
  private sweep(now: number): void {
    for (const [state, entry] of this.entries) {
      if (entry.forgetAt > now) break;
      this.entries.delete(state);
    }
  }
}

export interface VerifyCallbackOptions {
  store: OAuthStateStore;
  /** The session presenting the callback (undefined when it has none). */
  sessionId: string | undefined | null;
  /** The `state` query parameter of the callback. */
  state: string | undefined | null;
}

export interface VerifiedCallback {
  codeVerifier: string;
  nonce: string;
  context?: Readonly<Record<string, string>>;
}

/** Longer values are not ours; refuse them before they reach a store. */
const MAX_STATE_LENGTH = 512;

/**
 * Checks a callback's `state` against the store and returns the PKCE verifier and nonce to
 * finish the flow with. Throws {@link OAuthStateError} otherwise; the state is consumed either way.
 */
export async function verifyCallback(options: VerifyCallbackOptions): Promise<VerifiedCallback> {
  const { store, sessionId, state } = options;
  if (typeof state !== 'string' || state.length === 0) throw new OAuthStateError('missing');
  if (state.length > MAX_STATE_LENGTH) throw new OAuthStateError('unknown');
  // Without a session the lookup still runs, so the state is burnt; it can only fail.
  const hasSession = typeof sessionId === 'string' && sessionId.length > 0;
  const lookup = await store.consume(state, hasSession ? sessionId : '');
  if (lookup.status !== 'valid') throw new OAuthStateError(lookup.status);
  if (!hasSession) throw new OAuthStateError('session_mismatch');
  const { codeVerifier, nonce, context } = lookup.pending;
  return context === undefined ? { codeVerifier, nonce } : { codeVerifier, nonce, context };
}
