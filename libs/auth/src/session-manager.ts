import type { CsrfTokens } from './csrf.js';
import type { SessionStore, SessionUser, StoredSession } from './session-store.js';
import { createSessionToken, hashSessionToken, isWellFormedSessionToken } from './session-token.js';

export interface SessionManagerOptions {
  /** Absolute lifetime of a session. */
  ttlMs: number;
  /** A session unused this long ends. */
  idleMs: number;
  /** How long a validated session is trusted from memory before the database is asked again (default 5 s). */
  cacheTtlMs?: number;
  /** Minimum gap between two last_seen_at writes of one session (default min(60 s, idle / 4)). */
  touchIntervalMs?: number;
  /** Sessions remembered at most (oldest dropped first), default 10 000. */
  maxCachedSessions?: number;
  /** Background write failures (touch, lazy delete) land here; they never fail a request. */
  onBackgroundError?: (error: unknown, what: string) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** A valid session as a request sees it. */
export interface ActiveSession {
  /** SHA-256 of the token: the row id, and what revocation events carry. */
  id: string;
  user: SessionUser;
  csrfSecret: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface CreatedSession {
  /** Goes into the cookie; never stored. */
  token: string;
  session: ActiveSession;
}

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

interface CacheEntry {
  session: ActiveSession;
  fetchedAt: number;
  lastSeenAt: number;
  lastWrittenAt: number;
}

const DEFAULT_CACHE_TTL_MS = 5_000;
const MAX_USER_AGENT_LENGTH = 300;

/**
 * Server-side sessions with an absolute and an idle limit. A validated session is trusted
 * from memory for a few seconds, so the common request costs one SHA-256 and a map lookup
 * instead of a query; revocations drop it at once on this replica ({@link forget} does it on
 * the others, driven by the revocation event), and the short cache bounds how long a missed
 * event can matter. last_seen_at writes are throttled per session.
 */
export class SessionManager {
  private readonly cache = new Map<string, CacheEntry>();
  /** Cookie token → its SHA-256 id, so a busy session is not hashed on every request. */
  private readonly idOfToken = new Map<string, string>();
  /** When sessions / users were last revoked or changed: a database read that began earlier is not cached. */
  private readonly revokedAt = new Map<string, number>();
  private readonly userChangedAt = new Map<string, number>();
  private readonly cacheTtlMs: number;
  private readonly touchIntervalMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(
    private readonly store: SessionStore,
    private readonly csrf: CsrfTokens,
    private readonly options: SessionManagerOptions,
  ) {
    if (!(options.ttlMs > 0) || !(options.idleMs > 0)) throw new RangeError('SessionManager: ttlMs and idleMs must be positive');
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.touchIntervalMs = options.touchIntervalMs ?? Math.min(60_000, Math.floor(options.idleMs / 4));
    this.maxCached = options.maxCachedSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a new session for `user` (always a new token: no fixation). */
  async create(user: SessionUser, meta: SessionMeta = {}): Promise<CreatedSession> {
    const token = createSessionToken();
    const now = this.now();
    const session: ActiveSession = {
      id: hashSessionToken(token),
      user,
      csrfSecret: this.csrf.newSecret(),
      createdAt: new Date(now),
      expiresAt: new Date(now + this.options.ttlMs),
    };
    await this.store.insert({
      id: session.id,
      userId: user.id,
      csrfSecret: session.csrfSecret,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    });
    this.remember(session, now, now, now);
    return { token, session };
  }

  /** The live session of a cookie token, or null (unknown, expired, idle, or its account disabled). */
  async validate(token: unknown): Promise<ActiveSession | null> {
    if (!isWellFormedSessionToken(token)) return null;
    const id = this.idOf(token);
    const now = this.now();
    const cached = this.cache.get(id);
    if (cached !== undefined && now - cached.fetchedAt < this.cacheTtlMs) return this.checkCached(cached, now);
    if (cached !== undefined) this.cache.delete(id);
    const stored = await this.store.find(id);
    if (stored === null) return null;
    return this.checkStored(stored, now);
  }

  private idOf(token: string): string {
    let id = this.idOfToken.get(token);
    if (id === undefined) {
      if (this.idOfToken.size >= this.maxCached) this.idOfToken.clear();
      id = hashSessionToken(token);
      this.idOfToken.set(token, id);
    }
    return id;
  }

  /** A fresh CSRF token for a session (any number may be handed out; all stay valid). */
  csrfTokenFor(session: ActiveSession): string {
    return this.csrf.issue(session.csrfSecret);
  }

  verifyCsrf(session: ActiveSession, token: unknown): boolean {
    return this.csrf.verify(session.csrfSecret, token);
  }

  /** Ends sessions; returns the ids that existed (to broadcast). */
  async revoke(ids: readonly string[]): Promise<string[]> {
    this.forget(ids);
    return this.store.delete(ids);
  }

  /** Ends every session of `userId` except `exceptId`; returns their ids. */
  async revokeUser(userId: string, exceptId?: string): Promise<string[]> {
    const ids = await this.store.deleteForUser(userId, exceptId);
    this.forget(ids);
    this.forgetUser(userId, exceptId);
    return ids;
  }

  /**
   * Drops sessions from memory: the listed ids and, with `userId`, every session of that
   * user except `exceptId` (whose account changed: its next request re-reads it).
   */
  forget(ids: readonly string[], userId?: string, exceptId?: string): void {
    const now = this.now();
    for (const id of ids) {
      this.cache.delete(id);
      this.revokedAt.set(id, now);
    }
    if (userId !== undefined) this.forgetUser(userId, exceptId);
    this.pruneMarks(now);
  }

  /** Deletes sessions past their limits; returns how many. */
  purgeExpired(): Promise<number> {
    return this.store.purgeExpired(this.options.idleMs);
  }

  /** Sessions held in memory (for tests and metrics). */
  get cachedCount(): number {
    return this.cache.size;
  }

  private forgetUser(userId: string, exceptId?: string): void {
    const now = this.now();
    this.userChangedAt.set(userId, now);
    for (const [id, entry] of this.cache) {
      if (entry.session.user.id === userId && id !== exceptId) this.cache.delete(id);
    }
    // the kept session must still see the account's new state
    if (exceptId !== undefined) this.cache.delete(exceptId);
  }

  private checkCached(entry: CacheEntry, now: number): ActiveSession | null {
    const { session } = entry;
    if (now >= session.expiresAt.getTime() || now - entry.lastSeenAt >= this.options.idleMs) {
      this.cache.delete(session.id);
      this.deleteInBackground(session.id);
      return null;
    }
    entry.lastSeenAt = now;
    if (now - entry.lastWrittenAt >= this.touchIntervalMs) {
      entry.lastWrittenAt = now;
      this.store.touch(session.id, new Date(now)).catch((error: unknown) => this.options.onBackgroundError?.(error, 'session touch'));
    }
    return session;
  }

  private checkStored(stored: StoredSession, now: number): ActiveSession | null {
    const lastSeen = stored.lastSeenAt.getTime();
    if (stored.user.disabled || now >= stored.expiresAt.getTime() || now - lastSeen >= this.options.idleMs) {
      this.deleteInBackground(stored.id);
      return null;
    }
    const session: ActiveSession = {
      id: stored.id,
      user: stored.user,
      csrfSecret: stored.csrfSecret,
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
    };
    const changed = Math.max(this.revokedAt.get(stored.id) ?? -Infinity, this.userChangedAt.get(stored.user.id) ?? -Infinity);
    // a revocation that raced with this read must not be undone by caching what the read saw
    if (changed < now) this.remember(session, now, now, lastSeen);
    if (now - lastSeen >= this.touchIntervalMs) {
      this.store.touch(stored.id, new Date(now)).catch((error: unknown) => this.options.onBackgroundError?.(error, 'session touch'));
      const entry = this.cache.get(stored.id);
      if (entry !== undefined) entry.lastWrittenAt = now;
    }
    return session;
  }

  private remember(session: ActiveSession, fetchedAt: number, lastSeenAt: number, lastWrittenAt: number): void {
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(session.id, { session, fetchedAt, lastSeenAt, lastWrittenAt });
  }

  private deleteInBackground(id: string): void {
    this.store.delete([id]).catch((error: unknown) => this.options.onBackgroundError?.(error, 'expired session delete'));
  }

  /** Marks only matter for reads in flight; keep them twice the cache lifetime. */
  private pruneMarks(now: number): void {
    const horizon = now - 2 * this.cacheTtlMs;
    for (const marks of [this.revokedAt, this.userChangedAt]) {
      for (const [key, at] of marks) if (at < horizon) marks.delete(key);
    }
  }
}
