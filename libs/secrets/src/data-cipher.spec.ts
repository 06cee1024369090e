import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DataCipher,
  DecryptionError,
  generateKey,
  KeyRingError,
  parseKeyRing,
  REDACTED,
  Redactor,
  type DecryptionFailure,
} from './index.js';

const k1 = generateKey();
const k2 = generateKey();
const ring = (spec: string) => parseKeyRing(spec, new Redactor());

function decryptFailure(cipher: DataCipher, token: string, aad?: string): DecryptionError {
  try {
    cipher.decrypt(token, aad);
  } catch (error) {
    if (error instanceof DecryptionError) return error;
    throw error;
  }
  throw new Error('token was accepted');
}

function keyRingFailure(spec: string): string {
  try {
    ring(spec);
  } catch (error) {
    if (error instanceof KeyRingError) return error.message;
    throw error;
  }
  throw new Error('key ring was accepted');
}

/** Decodes one base64url part of a token, flips a bit in one byte and re-encodes it. */
function flip(token: string, part: number, byte = 0): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('generateKey', () => {
  it('returns a fresh base64 32-byte key each time', () => {
    expect(Buffer.from(k1, 'base64')).toHaveLength(32);
    expect(k1).not.toBe(k2);
  });
});

describe('parseKeyRing', () => {
  it('parses kid:key pairs, the first being active', () => {
    const parsed = ring(` k2026:${k1} , k2025:${k2}`);
    expect(parsed.activeKid).toBe('k2026');
    expect(parsed.kids).toEqual(['k2026', 'k2025']);
    expect(parsed.has('k2025')).toBe(true);
    expect(parsed.has('k2024')).toBe(false);
  });

  it('accepts URL-safe base64 keys', () => {
    const urlSafe = Buffer.from(k1, 'base64').toString('base64url');
    expect(ring(`a:${urlSafe}`).kids).toEqual(['a']);
  });

  it('rejects bad specifications with messages that never contain key material', () => {
    const short = randomBytes(16).toString('base64');
    const long = randomBytes(33).toString('base64');
    const cases: Array<[string, RegExp]> = [
      ['', /no keys/],
      [`k1:${k1},`, /entry 2 is empty/],
      [k1, /entry 1 must look like kid:base64key/],
      [`:${k1}`, /entry 1 has a key id that is not/],
      [`bad.kid:${k1}`, /entry 1 has a key id that is not/],
      [`${'x'.repeat(33)}:${k1}`, /entry 1 has a key id that is not/],
      [`k1:${short}`, /key "k1" must decode to 32 bytes \(got 16\)/],
      [`k1:${long}`, /key "k1" must decode to 32 bytes \(got 33\)/],
      ['k1:not base64!!', /key "k1" is not base64/],
      [`k1:${k1},k1:${k2}`, /key id "k1" appears twice/],
    ];
    for (const [spec, expected] of cases) {
      const message = keyRingFailure(spec);
      expect(message).toMatch(expected);
      for (const material of [k1, k2, short, long, 'not base64!!']) expect(message).not.toContain(material);
    }
  });

  it('keeps key material out of logs and JSON, and registers it for redaction', () => {
    const redactor = new Redactor();
    const parsed = parseKeyRing(`k1:${k1},k0:${k2}`, redactor);
    expect(JSON.stringify(parsed)).toBe('{"activeKid":"k1","kids":["k1","k0"]}');
    expect(inspect(parsed)).toBe("KeyRing { activeKid: 'k1', kids: ['k1', 'k0'] }");
    expect(redactor.redact(`leaked ${k2}`)).toBe(`leaked ${REDACTED}`);
  });
});

describe('DataCipher', () => {
  const cipher = new DataCipher(ring(`k1:${k1}`));

  it('round-trips strings and buffers', () => {
    const token = cipher.encrypt('hello wörld ✓');
    expect(token).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(cipher.decryptString(token)).toBe('hello wörld ✓');
    const bytes = randomBytes(1000);
    expect(cipher.decrypt(cipher.encrypt(bytes)).equals(bytes)).toBe(true);
    expect(cipher.decryptString(cipher.encrypt(''))).toBe('');
  });

  it('uses a fresh IV for every encryption', () => {
    const a = cipher.encrypt('same plaintext');
    const b = cipher.encrypt('same plaintext');
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toBe(b);
    expect(a).not.toContain(Buffer.from('same plaintext').toString('base64url'));
  });

  it('binds associated data', () => {
    const token = cipher.encrypt('api-key-value', 'users:42:apiKey');
    expect(cipher.decryptString(token, 'users:42:apiKey')).toBe('api-key-value');
    expect(decryptFailure(cipher, token, 'users:43:apiKey').reason).toBe('authentication-failed');
    expect(decryptFailure(cipher, token).reason).toBe('authentication-failed');
    expect(decryptFailure(cipher, cipher.encrypt('x'), 'some-aad').reason).toBe('authentication-failed');
  });

  it('detects a flipped byte in the IV, ciphertext or tag', () => {
    const token = cipher.encrypt('sensitive payload', 'aad');
    for (const [part, byte] of [
      [2, 0],
      [2, 11],
      [3, 0],
      [3, 16],
      [4, 0],
      [4, 15],
    ] as const) {
      const error = decryptFailure(cipher, flip(token, part, byte), 'aad');
      expect(error.reason).toBe('authentication-failed');
      expect(error.message).toMatch(/authentication failed for key id "k1"/);
    }
    expect(cipher.decryptString(token, 'aad')).toBe('sensitive payload');
  });

  it('rejects malformed tokens with a clear reason', () => {
    const token = cipher.encrypt('x');
    const [, kid, iv, ct, tag] = token.split('.');
    const cases: Array<[string, DecryptionFailure]> = [
      ['', 'malformed'],
      ['garbage', 'malformed'],
      [`v1.${kid}.${iv}.${ct}`, 'malformed'],
      [`${token}.extra`, 'malformed'],
      [`v2.${kid}.${iv}.${ct}.${tag}`, 'unsupported-version'],
      [`v1.${kid}.${iv}.${ct}.${tag?.slice(0, 10)}`, 'malformed'],
      [`v1.${kid}.${iv?.slice(0, 8)}.${ct}.${tag}`, 'malformed'],
      [`v1.${kid}.${iv}.${ct}+/.${tag}`, 'malformed'],
      [`v1.${kid}.${iv}=.${ct}.${tag}`, 'malformed'],
    ];
    for (const [bad, reason] of cases) expect(decryptFailure(cipher, bad).reason).toBe(reason);
  });

  it('rejects a token whose key id was swapped, even to a key with the same material', () => {
    const twin = new DataCipher(ring(`a:${k1},b:${k1}`));
    const token = twin.encrypt('bound to kid a');
    expect(decryptFailure(twin, token.replace(/^v1\.a\./, 'v1.b.')).reason).toBe('authentication-failed');
  });

  it('names an unknown key id', () => {
    const other = new DataCipher(ring(`k9:${k2}`));
    const error = decryptFailure(cipher, other.encrypt('x'));
    expect(error.reason).toBe('unknown-key');
    expect(error.message).toContain('"k9"');
  });

  it('fails authentication under the wrong key material for the same key id', () => {
    const impostor = new DataCipher(ring(`k1:${k2}`));
    expect(decryptFailure(cipher, impostor.encrypt('x')).reason).toBe('authentication-failed');
  });
});

describe('DataCipher key rotation', () => {
  const before = new DataCipher(ring(`old:${k1}`));
  const after = new DataCipher(ring(`new:${k2},old:${k1}`));

  it('still decrypts tokens made with a retired key', () => {
    const token = before.encrypt('kept across rotation', 'row:1');
    expect(after.decryptString(token, 'row:1')).toBe('kept across rotation');
  });

  it('flags old tokens and re-encrypts them under the active key', () => {
    const old = before.encrypt('kept across rotation', 'row:1');
    expect(after.activeKid).toBe('new');
    expect(after.needsRotation(old)).toBe(true);
    const rotated = after.reencrypt(old, 'row:1');
    expect(rotated.split('.')[1]).toBe('new');
    expect(after.needsRotation(rotated)).toBe(false);
    expect(after.decryptString(rotated, 'row:1')).toBe('kept across rotation');
    // once the old key is dropped, only the rotated token is readable
    const finished = new DataCipher(ring(`new:${k2}`));
    expect(finished.decryptString(rotated, 'row:1')).toBe('kept across rotation');
    expect(decryptFailure(finished, old, 'row:1').reason).toBe('unknown-key');
  });

  it('refuses to re-encrypt a token with the wrong aad', () => {
    const old = before.encrypt('x', 'row:1');
    expect(() => after.reencrypt(old, 'row:2')).toThrow(DecryptionError);
  });

  it('needsRotation throws on malformed tokens', () => {
    expect(() => after.needsRotation('nope')).toThrow(DecryptionError);
  });
});
