import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyRingError } from './errors.js';
import { redactor as defaultRedactor, type Redactor } from './redaction.js';

export const KEY_BYTES = 32;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * Data-encryption keys by id; the first is active (used to encrypt), the
 * others only decrypt until their data is re-encrypted. Keys are held as
 * KeyObjects in private fields, so logging or serialising a ring shows the
 * key ids only.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly activeKid: string;

  /** Use {@link parseKeyRing}; `entries` must be non-empty with unique ids. */
  constructor(entries: ReadonlyArray<readonly [kid: string, key: KeyObject]>) {
    const first = entries[0];
    if (!first) throw new KeyRingError('Invalid key ring: no keys');
    const keys = new Map<string, KeyObject>();
    for (const [kid, key] of entries) {
      if (!KID_PATTERN.test(kid)) throw new KeyRingError(`Invalid key ring: key id "${kid.slice(0, 40)}" must match [A-Za-z0-9_-]{1,32}`);
      if (keys.has(kid)) throw new KeyRingError(`Invalid key ring: key id "${kid}" appears twice`);
      if (key.type !== 'secret' || key.symmetricKeySize !== KEY_BYTES) {
        throw new KeyRingError(`Invalid key ring: key "${kid}" must be a ${KEY_BYTES}-byte secret key`);
      }
      keys.set(kid, key);
    }
    this.#keys = keys;
    this.activeKid = first[0];
  }

  /** All key ids, active first. */
  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  has(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /** The key for `kid`, or undefined. */
  key(kid: string): KeyObject | undefined {
    return this.#keys.get(kid);
  }

  toJSON(): { activeKid: string; kids: string[] } {
    return { activeKid: this.activeKid, kids: this.kids };
  }

  [inspect.custom](): string {
    return `KeyRing { activeKid: '${this.activeKid}', kids: [${this.kids.map((k) => `'${k}'`).join(', ')}] }`;
  }
}

/**
 * Parses `kid:base64key[,kid:base64key…]` (DATA_ENCRYPTION_KEYS). Each key
 * must decode to exactly 32 bytes (standard or URL-safe base64). Errors name
 * the entry and key id, never key material; the key texts are registered
 * with the redactor in case they travel on their own.
 */
export function parseKeyRing(spec: string, redactor: Redactor = defaultRedactor): KeyRing {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') throw new KeyRingError('Invalid key ring: no keys');
  const parsed: Array<[string, KeyObject]> = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    if (entry === '') throw new KeyRingError(`Invalid key ring: ${where} is empty`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new KeyRingError(`Invalid key ring: ${where} must look like kid:base64key`);
    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KID_PATTERN.test(kid)) {
      throw new KeyRingError(`Invalid key ring: ${where} has a key id that is not 1-32 of [A-Za-z0-9_-]`);
    }
    if (seen.has(kid)) throw new KeyRingError(`Invalid key ring: key id "${kid}" appears twice`);
    seen.add(kid);
    redactor.register(encoded);
    if (!BASE64_PATTERN.test(encoded)) throw new KeyRingError(`Invalid key ring: key "${kid}" is not base64`);
    const bytes = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    try {
      if (bytes.length !== KEY_BYTES) {
        throw new KeyRingError(`Invalid key ring: key "${kid}" must decode to ${KEY_BYTES} bytes (got ${bytes.length})`);
      }
      parsed.push([kid, createSecretKey(bytes)]);
    } finally {
      bytes.fill(0);
    }
  });
  return new KeyRing(parsed);
}

/** A new random 32-byte key, base64 — for `kid:<key>` entries in DATA_ENCRYPTION_KEYS. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
