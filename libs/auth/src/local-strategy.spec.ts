import { hash } from '@node-rs/argon2';
import passport from 'passport';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalStrategy, INVALID_CREDENTIALS_MESSAGE, type LocalUserRecord } from './local-strategy.js';
import { runPassportStrategy } from './passport-runner.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import type { AuthUser } from './roles.js';

const PASSWORD = 'correct horse battery staple';

let users: Map<string, LocalUserRecord>;
const findUser = async (username: string): Promise<LocalUserRecord | null> => users.get(username) ?? null;

beforeAll(async () => {
  users = new Map([
    ['admin', { id: 'u1', username: 'admin', passwordHash: await hashPassword(PASSWORD), role: 'admin' }],
    ['broken', { id: 'u2', username: 'broken', passwordHash: 'not-a-hash', role: 'viewer' }],
  ]);
});

function login(strategy: passport.Strategy, body: Record<string, string>) {
  return runPassportStrategy(strategy, { method: 'POST', url: '/login', headers: {}, body, query: {} });
}

async function median(samples: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)] ?? 0;
}

describe('createLocalStrategy', () => {
  it('authenticates with the right password and exposes no hash', async () => {
    const outcome = await login(createLocalStrategy(findUser), { username: 'admin', password: PASSWORD });
    expect(outcome).toEqual({ kind: 'success', user: { id: 'u1', username: 'admin', role: 'admin', provider: 'local' } });
  });

  it('fails wrong passwords, unknown users and malformed stored hashes with one message', async () => {
    const strategy = createLocalStrategy(findUser);
    for (const body of [
      { username: 'admin', password: 'wrong password!!' },
      { username: 'nobody', password: PASSWORD },
      { username: 'broken', password: 'not-a-hash' },
    ]) {
      expect(await login(strategy, body), body.username).toEqual({
        kind: 'fail',
        status: 401,
        challenge: { message: INVALID_CREDENTIALS_MESSAGE },
      });
    }
  });

  it('spends the same Argon2 work on unknown users as on known ones', async () => {
    const strategy = createLocalStrategy(findUser);
    await login(strategy, { username: 'nobody', password: 'warm-up' }); // dummy hash computed at creation; make sure it is ready
    const known = await median(5, () => login(strategy, { username: 'admin', password: 'wrong password!!' }));
    const unknown = await median(5, () => login(strategy, { username: 'nobody', password: 'wrong password!!' }));
    const malformed = await median(5, () => login(strategy, { username: 'broken', password: 'wrong password!!' }));
    // Without the dummy verification an unknown user answers in well under a millisecond.
    expect(known).toBeGreaterThan(5);
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
    expect(malformed / known).toBeGreaterThan(0.5);
  });

  it('offers a stronger hash after logging in with a weak one', async () => {
    const weak = await hash('legacy password 1', { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const upgraded: Array<{ user: AuthUser; newHash: string }> = [];
    const strategy = createLocalStrategy(async () => ({ id: 'u9', username: 'old', passwordHash: weak, role: 'viewer' }), {
      onPasswordRehash: async (user, newHash) => {
        upgraded.push({ user, newHash });
      },
    });
    expect((await login(strategy, { username: 'old', password: 'legacy password 1' })).kind).toBe('success');
    expect(upgraded).toHaveLength(1);
    const [entry] = upgraded;
    expect(entry?.user.id).toBe('u9');
    expect(needsRehash(entry?.newHash ?? '')).toBe(false);
    expect(await verifyPassword('legacy password 1', entry?.newHash ?? '')).toBe(true);
  });

  it('still logs in when persisting the upgraded hash fails', async () => {
    const weak = await hash('legacy password 2', { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const strategy = createLocalStrategy(async () => ({ id: 'u9', username: 'old', passwordHash: weak, role: 'viewer' }), {
      onPasswordRehash: async () => {
        throw new Error('database is read-only');
      },
    });
    expect((await login(strategy, { username: 'old', password: 'legacy password 2' })).kind).toBe('success');
  });

  it('refuses a stored record with an invalid role', async () => {
    const record = { id: 'u3', username: 'odd', passwordHash: await hashPassword(PASSWORD), role: 'root' } as unknown as LocalUserRecord;
    const outcome = await login(createLocalStrategy(async () => record), { username: 'odd', password: PASSWORD });
    expect(outcome.kind).toBe('fail');
  });

  it('turns a failing user lookup into an error, and missing fields into 400', async () => {
    const failing = createLocalStrategy(async () => {
      throw new Error('db down');
    });
    await expect(login(failing, { username: 'admin', password: PASSWORD })).rejects.toThrow('db down');
    expect(await login(createLocalStrategy(findUser), { username: 'admin' })).toMatchObject({ kind: 'fail', status: 400 });
  });

  it('works inside passport.authenticate() with custom field names and strategy name', async () => {
    const authenticator = new passport.Passport();
    authenticator.use(createLocalStrategy(findUser, { name: 'admin-login', usernameField: 'user', passwordField: 'pass' }));
    const result = await new Promise<unknown>((resolve, reject) => {
      const middleware = authenticator.authenticate('admin-login', { session: false }, (error: unknown, user: unknown) =>
        error ? reject(error) : resolve(user),
      );
      middleware({ body: { user: 'admin', pass: PASSWORD }, query: {} }, {}, reject);
    });
    expect(result).toMatchObject({ id: 'u1', role: 'admin' });
  });
});
