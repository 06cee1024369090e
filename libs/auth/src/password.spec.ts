import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, MAX_PASSWORD_LENGTH, needsRehash, PASSWORD_HASH_PARAMS, verifyPassword } from './password.js';

const ARGON2ID = 2;
const ARGON2I = 1;

/** A hash made outside hashPassword, with chosen (weaker) parameters. */
function legacyHash(password: string, overrides: { memoryCost?: number; timeCost?: number; algorithm?: 0 | 1 | 2 }): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1, ...overrides });
}

describe('hashPassword / verifyPassword', () => {
  it('round-trips and encodes the current Argon2id parameters', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${PASSWORD_HASH_PARAMS.memoryCost},t=${PASSWORD_HASH_PARAMS.timeCost},p=${PASSWORD_HASH_PARAMS.parallelism}\\$`),
    );
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  it('meets the OWASP minimum (m ≥ 19456 KiB, t ≥ 2, p ≥ 1)', () => {
    expect(PASSWORD_HASH_PARAMS.memoryCost).toBeGreaterThanOrEqual(19_456);
    expect(PASSWORD_HASH_PARAMS.timeCost).toBeGreaterThanOrEqual(2);
    expect(PASSWORD_HASH_PARAMS.parallelism).toBeGreaterThanOrEqual(1);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('same password 1')).not.toBe(await hashPassword('same password 1'));
  });

  it('returns false for a wrong password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('returns false (does not throw) for malformed hashes', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const malformed = [
      '',
      'garbage',
      'plaintext-password',
      '$2b$12$abcdefghijklmnopqrstuuq2Iu5V9Hc7Fz8Cc4vK1m5pZyQh3a6', // bcrypt
      '$argon2id$v=19$m=65536,t=3,p=1$',
      '$argon2id$v=19$m=65536,t=3,p=1$!!notbase64!!$xyz',
      stored.slice(0, -5),
      `${stored}AAAA`,
      stored.replace('$argon2id$', '$argon2xx$'),
      '$argon2id$v=19$m=4294967295,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', // absurd memory
    ];
    for (const candidate of malformed) {
      await expect(verifyPassword('correct horse battery staple', candidate), candidate).resolves.toBe(false);
    }
    await expect(verifyPassword('x', undefined as unknown as string)).resolves.toBe(false);
    await expect(verifyPassword(undefined as unknown as string, stored)).resolves.toBe(false);
  });

  it('still verifies hashes made with older parameters', async () => {
    const stored = await legacyHash('old but valid password', { timeCost: 2 });
    expect(await verifyPassword('old but valid password', stored)).toBe(true);
  });

  it('normalises Unicode so composed and decomposed input match', async () => {
    const composed = 'café-crème-brûlée';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('refuses empty and over-long passwords', async () => {
    await expect(hashPassword('')).rejects.toThrow(TypeError);
    const tooLong = 'a'.repeat(MAX_PASSWORD_LENGTH + 1);
    await expect(hashPassword(tooLong)).rejects.toThrow(RangeError);
    expect(await verifyPassword(tooLong, await hashPassword('a'.repeat(20)))).toBe(false);
  });
});

describe('needsRehash', () => {
  it('is false for a hash made with the current parameters', async () => {
    expect(needsRehash(await hashPassword('current params pw'))).toBe(false);
  });

  it('is true when memory or time cost is below the current policy', async () => {
    expect(needsRehash(await legacyHash('pw', { memoryCost: 19_456, timeCost: PASSWORD_HASH_PARAMS.timeCost }))).toBe(true);
    expect(needsRehash(await legacyHash('pw', { memoryCost: PASSWORD_HASH_PARAMS.memoryCost, timeCost: 1 }))).toBe(true);
  });

  it('is false when the stored parameters are stronger than the policy', async () => {
    const stronger = await legacyHash('pw', {
      memoryCost: PASSWORD_HASH_PARAMS.memoryCost * 2,
      timeCost: PASSWORD_HASH_PARAMS.timeCost + 1,
    });
    expect(needsRehash(stronger)).toBe(false);
  });

  it('is true for another Argon2 variant and for unparseable hashes', async () => {
    const argon2i = await legacyHash('pw', {
      algorithm: ARGON2I,
      memoryCost: PASSWORD_HASH_PARAMS.memoryCost,
      timeCost: PASSWORD_HASH_PARAMS.timeCost,
    });
    expect(argon2i.startsWith('$argon2i$')).toBe(true);
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
    expect(needsRehash('')).toBe(true);
  });
});
