import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { DecryptionError } from './errors.js';
import type { KeyRing } from './key-ring.js';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface ParsedToken {
  kid: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM encryption at rest with key ids for rotation. A token is
 * `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url, no padding) with a fresh
 * random 96-bit IV per message. The `v1.<kid>.` header is authenticated along
 * with the caller's `aad` (e.g. the row id and column, so a ciphertext cannot
 * be copied to another row), which binds a token to the key id it names.
 *
 * Random 96-bit IVs keep the collision risk negligible below ~2^32 messages
 * per key; rotate keys long before that.
 */
export class DataCipher {
  constructor(private readonly ring: KeyRing) {}

  /** Key id new tokens are encrypted with. */
  get activeKid(): string {
    return this.ring.activeKid;
  }

  encrypt(plaintext: string | Buffer, aad = ''): string {
    const kid = this.ring.activeKid;
    const key = this.#key(kid);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(kid, aad));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, kid, iv, ciphertext, tag].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** The plaintext bytes; throws {@link DecryptionError} for malformed, unknown-key, tampered or wrong-aad tokens. */
  decrypt(token: string, aad = ''): Buffer {
    const { kid, iv, ciphertext, tag } = parseToken(token);
    const key = this.ring.key(kid);
    if (!key) {
      throw new DecryptionError('unknown-key', `Cannot decrypt: key id "${kid}" is not in the key ring (was it removed too early?)`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(kid, aad));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new DecryptionError(
        'authentication-failed',
        `Cannot decrypt: authentication failed for key id "${kid}" (data tampered with, or wrong associated data)`,
      );
    }
  }

  decryptString(token: string, aad = ''): string {
    return this.decrypt(token, aad).toString('utf8');
  }

  /** True when the token was encrypted with a key other than the active one. Throws for malformed tokens. */
  needsRotation(token: string): boolean {
    return parseToken(token).kid !== this.ring.activeKid;
  }

  /** Decrypts (verifying integrity) and encrypts again under the active key. */
  reencrypt(token: string, aad = ''): string {
    const plaintext = this.decrypt(token, aad);
    try {
      return this.encrypt(plaintext, aad);
    } finally {
      plaintext.fill(0);
    }
  }

  #key(kid: string): KeyObject {
    const key = this.ring.key(kid);
    if (!key) throw new Error(`Key ring has no key "${kid}"`);
    return key;
  }
}

/** Authenticates the header so the key id in a token cannot be swapped. */
function associatedData(kid: string, aad: string): Buffer {
  return Buffer.from(`${VERSION}.${kid}.${aad}`, 'utf8');
}

function parseToken(token: string): ParsedToken {
  if (typeof token !== 'string') throw malformed('not a string');
  const parts = token.split('.');
  if (parts[0] !== VERSION) {
    throw /^v\d+$/.test(parts[0] ?? '') && parts.length === 5
      ? new DecryptionError('unsupported-version', `Cannot decrypt: token version "${parts[0]}" is not supported`)
      : malformed(`expected ${VERSION}.<kid>.<iv>.<ciphertext>.<tag>`);
  }
  if (parts.length !== 5) throw malformed(`expected ${VERSION}.<kid>.<iv>.<ciphertext>.<tag>`);
  const [, kid = '', ivText = '', ciphertextText = '', tagText = ''] = parts;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw malformed('bad key id');
  const iv = decodePart(ivText, 'IV');
  const ciphertext = decodePart(ciphertextText, 'ciphertext');
  const tag = decodePart(tagText, 'tag');
  if (iv.length !== IV_BYTES) throw malformed(`IV must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw malformed(`tag must be ${TAG_BYTES} bytes`);
  return { kid, iv, ciphertext, tag };
}

/** Only canonical base64url is accepted, so each token has exactly one spelling. */
function decodePart(text: string, what: string): Buffer {
  const bytes = BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
  if (!bytes || bytes.toString('base64url') !== text) throw malformed(`${what} is not base64url`);
  return bytes;
}

function malformed(problem: string): DecryptionError {
  return new DecryptionError('malformed', `Cannot decrypt: malformed token (${problem})`);
}
