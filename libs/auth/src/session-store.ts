import type { Role } from './roles.js';
import type { UserProvider } from './user.js';

/** The account a session belongs to, as the guard needs it on every request. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  provider: UserProvider;
  disabled: boolean;
}

/** A session row joined with its account. `id` is the SHA-256 of the cookie's token. */
export interface StoredSession {
  id: string;
  user: SessionUser;
  csrfSecret: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface NewSession {
  id: string;
  userId: string;
  csrfSecret: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** Where sessions live (PostgreSQL in the app: {@link SessionsRepository}). */
export interface SessionStore {
  insert(session: NewSession): Promise<void>;
  find(id: string): Promise<StoredSession | null>;
  /** Moves last_seen_at forward (never back). */
  touch(id: string, at: Date): Promise<void>;
  /** Deletes the listed sessions; returns the ids that existed. */
  delete(ids: readonly string[]): Promise<string[]>;
  /** Deletes every session of a user except `exceptId`; returns their ids. */
  deleteForUser(userId: string, exceptId?: string): Promise<string[]>;
  /** Deletes sessions past their absolute expiry or idle for `idleMs`; returns how many. */
  purgeExpired(idleMs: number): Promise<number>;
}
