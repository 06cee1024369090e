import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { compareCodePoints, sha256Hex } from './canonical.js';
import { AuditKeyError } from './errors.js';
import type { ChainHead } from './verify-types.js';

/** A chain head signed with the audit key; stored outside the audit table ({@link HeadStore}). */
export interface SignedHead {
  seq: number;
  hash: string;
  /** When it was signed (ISO 8601). */
  at: string;
  /** {@link auditKeyId} of the signing key, to tell keys apart in messages. */
  keyId: string;
  /** Ed25519 signature of {@link headPayload}, base64. */
  signature: string;
}

/** Key material for `GUARD_AUDIT_SIGNING_KEY` / `GUARD_AUDIT_PUBLIC_KEY`: raw 32-byte keys, base64. */
export interface AuditKeyPair {
  /** Secret: keep it in the secrets store, never in logs. */
  privateKey: string;
  publicKey: string;
  keyId: string;
}

/** Key material: a KeyObject, PEM (PKCS#8 private / SPKI public), or a raw 32-byte key in base64 or base64url. */
export type KeyMaterial = KeyObject | string;

// DER prefixes of Ed25519 keys (RFC 8410): what precedes the raw 32 bytes
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A new Ed25519 key pair for signing chain heads. */
export function generateAuditSigningKey(): AuditKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: rawKey(privateKey.export({ format: 'der', type: 'pkcs8' }), PKCS8_PREFIX),
    publicKey: rawKey(publicKey.export({ format: 'der', type: 'spki' }), SPKI_PREFIX),
    keyId: auditKeyId(publicKey),
  };
}

function rawKey(der: Buffer, prefix: Buffer): string {
  return der.subarray(prefix.length).toString('base64');
}

/** The private key for signing heads. Throws {@link AuditKeyError} (without the material) for anything else. */
export function parseSigningKey(material: KeyMaterial): KeyObject {
  const key = toKeyObject(material, 'private');
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new AuditKeyError('the audit signing key is not an Ed25519 private key');
  return key;
}

/** The public key for verifying heads; a private key is accepted and its public half used. */
export function parsePublicKey(material: KeyMaterial): KeyObject {
  const key = toKeyObject(material, 'public');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') throw new AuditKeyError('the audit public key is not an Ed25519 public key');
  return publicKey;
}

function toKeyObject(material: KeyMaterial, expected: 'private' | 'public'): KeyObject {
  if (typeof material !== 'string') return material;
  const text = material.trim();
  try {
    if (text.startsWith('-----BEGIN')) return expected === 'private' ? createPrivateKey(text) : createPublicKey(text);
    const raw = Buffer.from(text, /[-_]/.test(text) ? 'base64url' : 'base64');
    if (raw.length !== 32) throw new AuditKeyError('not 32 bytes');
    const der = Buffer.concat([expected === 'private' ? PKCS8_PREFIX : SPKI_PREFIX, raw]);
    return expected === 'private'
      ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
      : createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new AuditKeyError(`the audit ${expected} key is neither PEM nor a base64 32-byte Ed25519 key`);
  }
}

/** First 16 hex digits of sha256 of the raw public key. */
export function auditKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(publicKey.export({ format: 'der', type: 'spki' })).slice(0, 16);
}

/** The signed bytes: canonical JSON of `{ seq, hash, at }` (keys sorted, no whitespace). */
export function headPayload(head: Pick<SignedHead, 'seq' | 'hash' | 'at'>): string {
  const members: Array<[string, string]> = [
    ['at', JSON.stringify(head.at)],
    ['hash', JSON.stringify(head.hash)],
    ['seq', String(head.seq)],
  ];
  return `{${members.sort(([a], [b]) => compareCodePoints(a, b)).map(([key, value]) => `"${key}":${value}`).join(',')}}`;
}

export function signChainHead(head: ChainHead, privateKey: KeyObject, at: Date = new Date()): SignedHead {
  const unsigned = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  const signature = sign(null, Buffer.from(headPayload(unsigned)), privateKey).toString('base64');
  return { ...unsigned, keyId: auditKeyId(privateKey), signature };
}

export function verifyHeadSignature(head: SignedHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(headPayload(head)), publicKey, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}

const signedHeadSchema = z.object({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().min(1),
  keyId: z.string(),
  signature: z.string(),
});

/** A stored value as a signed head, or null when it is not one (a bad entry counts as a bad signature). */
export function parseSignedHead(value: unknown): SignedHead | null {
  const parsed = signedHeadSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
