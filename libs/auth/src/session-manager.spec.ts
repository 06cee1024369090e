import { describe, expect, it } from 'vitest';
import { CsrfTokens } from './csrf.js';
import { SessionManager } from './session-manager.js';
import type { NewSession, SessionStore, SessionUser, StoredSession } from './session-store.js';

/** A typed in-memory store that counts what the manager asks of it. */
class MemoryStore implements SessionStore {
  readonly rows = new Map<string, NewSession & { lastSeenAt: Date }>();
  readonly users = new Map<string, SessionUser>();
  finds = 0;
  touches: { id: string; at: number }[] = [];
  /** Runs inside `find`, after the row was read: simulates work racing with the read. */
  duringFind: (() => void) | undefined;

  async insert(session: NewSession): Promise<void> {
    this.rows.set(session.id, { ...session, lastSeenAt: session.createdAt });
  }
  async find(id: string): Promise<StoredSession | null> {
    this.finds += 1;
    const row = this.rows.get(id);
    const user = row === undefined ? undefined : this.users.get(row.userId);
    const found = row === undefined || user === undefined ? null : { id, user: { ...user }, csrfSecret: row.csrfSecret, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt };
    this.duringFind?.();
    return found;
  }
  async touch(id: string, at: Date): Promise<void> {
    this.touches.push({ id, at: at.getTime() });
    const row = this.rows.get(id);
    if (row !== undefined && row.lastSeenAt < at) row.lastSeenAt = at;
  }
  async delete(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => this.rows.delete(id));
  }
  async deleteForUser(userId: string, exceptId?: string): Promise<string[]> {
    const ids = [...this.rows].filter(([id, row]) => row.userId === userId && id !== exceptId).map(([id]) => id);
    return this.delete(ids);
  }
  async purgeExpired(): Promise<number> {
    return 0;
  }
}

const MINUTE = 60_000;
const alice: SessionUser = { id: 'u-alice', username: 'alice', displayName: null, role: 'admin', provider: 'local', disabled: false };

function setup(options: { ttlMs?: number; idleMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const store = new MemoryStore();
  store.users.set(alice.id, { ...alice });
  const manager = new SessionManager(store, new CsrfTokens(), {
    ttlMs: options.ttlMs ?? 60 * MINUTE,
    idleMs: options.idleMs ?? 10 * MINUTE,
    now: () => clock.now,
  });
  return { clock, store, manager };
}

describe('SessionManager', () => {
  it('stores only the hash of the token and validates it from memory without a query', async () => {
    const { store, manager } = setup();
    const { token, session } = await manager.create(alice);
    expect(store.rows.has(token)).toBe(false);
    expect(store.rows.has(session.id)).toBe(true);
    for (let i = 0; i < 100; i += 1) expect((await manager.validate(token))?.user.username).toBe('alice');
    expect(store.finds).toBe(0);
  });

  it('asks the database again once the cache entry is a few seconds old', async () => {
    const { clock, store, manager } = setup();
    const { token } = await manager.create(alice);
    clock.now += 5_000;
    await manager.validate(token);
    expect(store.finds).toBe(1);
    await manager.validate(token);
    expect(store.finds).toBe(1);
  });

  it('never queries for malformed or unknown tokens beyond one lookup', async () => {
    const { store, manager } = setup();
    expect(await manager.validate('not a token')).toBeNull();
    expect(await manager.validate(undefined)).toBeNull();
    expect(store.finds).toBe(0);
    expect(await manager.validate('A'.repeat(43))).toBeNull();
    expect(store.finds).toBe(1);
  });

  it('ends a session at its absolute lifetime even while it is in use', async () => {
    const { clock, store, manager } = setup({ ttlMs: 30 * MINUTE, idleMs: 10 * MINUTE });
    const { token, session } = await manager.create(alice);
    for (let t = 0; t < 29; t += 1) {
      clock.now += MINUTE;
      expect(await manager.validate(token)).not.toBeNull();
    }
    clock.now += MINUTE;
    expect(await manager.validate(token)).toBeNull();
    await Promise.resolve();
    expect(store.rows.has(session.id)).toBe(false);
  });

  it('ends an idle session, from the cache and from the database', async () => {
    const { clock, manager } = setup({ idleMs: 10 * MINUTE });
    const cached = await manager.create(alice);
    clock.now += 2_000;
    expect(await manager.validate(cached.token)).not.toBeNull();
    clock.now += 10 * MINUTE;
    expect(await manager.validate(cached.token)).toBeNull();

    const other = setup({ idleMs: 10 * MINUTE });
    const stored = await other.manager.create(alice);
    other.manager.forget([], alice.id); // as on a replica that never saw it
    other.clock.now += 10 * MINUTE;
    expect(await other.manager.validate(stored.token)).toBeNull();
  });

  it('keeps an active session alive past the idle limit, writing last_seen_at at most once per interval', async () => {
    const { clock, store, manager } = setup({ idleMs: 4 * MINUTE });
    const { token } = await manager.create(alice);
    for (let second = 0; second < 10 * 60; second += 1) {
      clock.now += 1_000;
      expect(await manager.validate(token), `second ${second}`).not.toBeNull();
    }
    // touch interval = min(60 s, idle / 4) = 60 s over ten minutes
    expect(store.touches.length).toBeGreaterThanOrEqual(9);
    expect(store.touches.length).toBeLessThanOrEqual(11);
  });

  it('refuses a session whose account was disabled once it re-reads it', async () => {
    const { clock, store, manager } = setup();
    const { token } = await manager.create(alice);
    store.users.set(alice.id, { ...alice, disabled: true });
    manager.forget([], alice.id);
    expect(await manager.validate(token)).toBeNull();
    clock.now += 1;
    expect(await manager.validate(token)).toBeNull();
  });

  it('revokes at once, one session or all of a user\'s but one', async () => {
    const { manager } = setup();
    const one = await manager.create(alice);
    const two = await manager.create(alice);
    const three = await manager.create(alice);
    expect(await manager.revoke([one.session.id])).toEqual([one.session.id]);
    expect(await manager.validate(one.token)).toBeNull();
    expect(await manager.revokeUser(alice.id, two.session.id)).toEqual([three.session.id]);
    expect(await manager.validate(three.token)).toBeNull();
    expect(await manager.validate(two.token)).not.toBeNull();
  });

  it('drops sessions another replica revoked (forget) without asking the database', async () => {
    const { store, manager } = setup();
    const { token, session } = await manager.create(alice);
    store.rows.delete(session.id); // revoked elsewhere
    expect(await manager.validate(token)).not.toBeNull(); // still cached here
    manager.forget([session.id]);
    expect(await manager.validate(token)).toBeNull();
  });

  it('does not cache a read that raced with a revocation', async () => {
    const { clock, store, manager } = setup();
    const { token, session } = await manager.create(alice);
    clock.now += 10_000;
    store.duringFind = () => {
      store.duringFind = undefined;
      manager.forget([session.id]);
      store.rows.delete(session.id);
    };
    await manager.validate(token); // saw the row before the revocation landed
    expect(manager.cachedCount).toBe(0);
    expect(await manager.validate(token)).toBeNull();
  });

  it('issues CSRF tokens that only fit their own session', async () => {
    const { manager } = setup();
    const a = (await manager.create(alice)).session;
    const b = (await manager.create(alice)).session;
    const token = manager.csrfTokenFor(a);
    expect(manager.verifyCsrf(a, token)).toBe(true);
    expect(manager.verifyCsrf(a, manager.csrfTokenFor(a))).toBe(true);
    expect(manager.verifyCsrf(b, token)).toBe(false);
    expect(manager.verifyCsrf(a, undefined)).toBe(false);
    expect(manager.verifyCsrf(a, ['x'])).toBe(false);
    expect(manager.verifyCsrf(a, `${token}x`)).toBe(false);
  });
});
