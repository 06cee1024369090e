import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import { CsrfTokens } from './csrf.js';
import { hashPassword } from './password.js';
import { createPgRateLimitStore, incrementBucket, purgeRateLimitBuckets } from './pg-rate-limit.store.js';
import { SessionManager } from './session-manager.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

// Real: PostgreSQL with the dashboard's migrations, @fastify/rate-limit. Nothing faked.

const migrationsDir = fileURLToPath(new URL('../../../apps/dashboard/prisma/migrations', import.meta.url));
let db: TestDatabase;
let pool: pg.Pool;
let users: UsersRepository;
let hash: string;

beforeAll(async () => {
  db = await createTestDatabase('auth-accounts');
  await applyMigrations({ connectionString: db.url, migrationsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 12 });
  // dropping the database terminates connections that are still closing
  pool.on('error', () => undefined);
  users = new UsersRepository(pool);
  hash = await hashPassword('a-long-test-passphrase-1');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

beforeEach(async () => {
  await pool.query('delete from app_user');
  await pool.query('delete from rate_limit_bucket');
});

describe('UsersRepository', () => {
  it('creates exactly one first admin under concurrency', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => users.createFirstAdmin(`admin-${i}`, hash)));
    expect(results.filter((user) => user !== null)).toHaveLength(1);
    expect(await users.list()).toHaveLength(1);
    expect(await users.createFirstAdmin('late', hash)).toBeNull();
  });

  it('never lets two concurrent demotions remove the last admin', async () => {
    const one = await users.createLocal({ username: 'one', passwordHash: hash, role: 'admin' });
    const two = await users.createLocal({ username: 'two', passwordHash: hash, role: 'admin' });
    const outcomes = await Promise.allSettled([users.update(one.id, { role: 'viewer' }), users.update(two.id, { disabled: true })]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'LAST_ADMIN' });
    const admins = (await users.list()).filter((user) => user.role === 'admin' && !user.disabled);
    expect(admins).toHaveLength(1);
    await expect(users.delete(admins[0]?.id ?? '')).rejects.toMatchObject({ code: 'LAST_ADMIN' });
  });

  it('hides disabled and OIDC accounts from the password login', async () => {
    const viewer = await users.createLocal({ username: 'vera', passwordHash: hash, role: 'viewer' });
    expect(await users.findLocalForLogin('vera')).toMatchObject({ id: viewer.id, role: 'viewer' });
    await users.createLocal({ username: 'root', passwordHash: hash, role: 'admin' });
    await users.update(viewer.id, { disabled: true });
    expect(await users.findLocalForLogin('vera')).toBeNull();
    await users.upsertOidc({ issuer: 'https://idp', subject: 's1', username: 'sso', displayName: null, role: 'viewer' });
    expect(await users.findLocalForLogin('sso')).toBeNull();
    await expect(users.createLocal({ username: 'root', passwordHash: hash, role: 'viewer' })).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
  });

  it('upserts OIDC accounts by issuer and subject, refreshing the role, never taking a local name', async () => {
    await users.createLocal({ username: 'admin', passwordHash: hash, role: 'admin' });
    const first = await users.upsertOidc({ issuer: 'https://idp', subject: 'sub-1', username: 'admin', displayName: 'Eve', role: 'viewer' });
    expect(first.after.username).toMatch(/^admin~[0-9a-f]{8}$/);
    expect(first.after.provider).toBe('oidc');
    const again = await users.upsertOidc({ issuer: 'https://idp', subject: 'sub-1', username: 'renamed', displayName: 'Eve A.', role: 'admin' });
    expect(again.after).toMatchObject({ id: first.after.id, username: first.after.username, role: 'admin', displayName: 'Eve A.' });
    expect(again.before.role).toBe('viewer');
    const otherIssuer = await users.upsertOidc({ issuer: 'https://other', subject: 'sub-1', username: 'eve', displayName: null, role: 'viewer' });
    expect(otherIssuer.after.id).not.toBe(first.after.id);
  });
});

describe('SessionManager on PostgreSQL', () => {
  it('creates, validates across managers, ends other sessions, and purges expired rows', async () => {
    const user = await users.createLocal({ username: 'sam', passwordHash: hash, role: 'viewer' });
    const options = { ttlMs: 3_600_000, idleMs: 600_000 };
    const here = new SessionManager(new SessionsRepository(pool), new CsrfTokens(), options);
    const there = new SessionManager(new SessionsRepository(pool), new CsrfTokens(), options);
    const sessionUser = { id: user.id, username: user.username, displayName: null, role: user.role, provider: user.provider, disabled: false };
    const a = await here.create(sessionUser, { ip: '192.0.2.1', userAgent: 'x'.repeat(1000) });
    const b = await here.create(sessionUser);
    expect((await there.validate(a.token))?.csrfSecret).toBe(a.session.csrfSecret);
    const row = await pool.query<{ user_agent: string; ip: string }>('select user_agent, ip from user_session where id = $1', [a.session.id]);
    expect(row.rows[0]?.user_agent).toHaveLength(300);
    expect(await here.revokeUser(user.id, b.session.id)).toEqual([a.session.id]);
    expect(await here.validate(a.token)).toBeNull();
    expect(await new SessionManager(new SessionsRepository(pool), new CsrfTokens(), options).validate(b.token)).not.toBeNull();
    await pool.query(`update user_session set last_seen_at = now() - interval '11 minutes'`);
    expect(await here.purgeExpired()).toBe(1);
  });
});

describe('the PostgreSQL rate-limit store', () => {
  it('counts concurrent hits exactly once each', async () => {
    const counts = await Promise.all(Array.from({ length: 40 }, () => incrementBucket(pool, 'k', 60_000)));
    expect(counts.map((count) => count.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(Math.max(...counts.map((count) => count.ttl))).toBeLessThanOrEqual(60_000);
  });

  it('starts a new window after the old one ends, and purges finished windows', async () => {
    await incrementBucket(pool, 'w', 60_000);
    await incrementBucket(pool, 'w', 60_000);
    await pool.query(`update rate_limit_bucket set reset_at = now() - interval '1 second'`);
    expect((await incrementBucket(pool, 'w', 60_000)).current).toBe(1);
    await pool.query(`update rate_limit_bucket set reset_at = now() - interval '1 second'`);
    expect(await purgeRateLimitBuckets(pool)).toBe(1);
  });

  it('drives @fastify/rate-limit, shared by two Fastify instances', async () => {
    const apps = await Promise.all(
      [1, 2].map(async () => {
        const app = Fastify();
        await app.register(fastifyRateLimit, { global: false, store: createPgRateLimitStore(pool, { namespace: 'test:' }) });
        await app.ready();
        return app;
      }),
    );
    try {
      const results = [];
      for (let i = 0; i < 4; i += 1) {
        const app = apps[i % 2];
        if (app === undefined) throw new Error('no app');
        const limiter = app.createRateLimit({ max: 3, timeWindow: 60_000, keyGenerator: () => 'client-a' });
        results.push(await limiter({ routeOptions: { config: {} } } as never));
      }
      expect(results.map((result) => (result.isAllowed ? 'allowed' : result.isExceeded))).toEqual([false, false, false, true]);
      const stored = await pool.query<{ key: string; hits: number }>('select key, hits from rate_limit_bucket');
      expect(stored.rows).toEqual([{ key: 'test:client-a', hits: 4 }]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});
