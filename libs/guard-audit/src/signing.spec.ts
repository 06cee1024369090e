import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditKeyError } from './errors.js';
import { MemoryHeadStore } from './head-store.js';
import {
  auditKeyId,
  generateAuditSigningKey,
  headPayload,
  parsePublicKey,
  parseSignedHead,
  parseSigningKey,
  signChainHead,
  verifyHeadSignature,
} from './signing.js';

const head = { seq: 42, hash: 'c'.repeat(64) };

describe('audit signing keys', () => {
  it('generates a pair whose halves belong together', () => {
    const pair = generateAuditSigningKey();
    const signed = signChainHead(head, parseSigningKey(pair.privateKey));
    expect(verifyHeadSignature(signed, parsePublicKey(pair.publicKey))).toBe(true);
    expect(signed.keyId).toBe(pair.keyId);
    expect(auditKeyId(parsePublicKey(pair.publicKey))).toBe(pair.keyId);
  });

  it('accepts PEM, base64url and KeyObjects, and a private key where a public one is wanted', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const signed = signChainHead(head, parseSigningKey(pem));
    expect(verifyHeadSignature(signed, parsePublicKey(publicPem))).toBe(true);
    expect(verifyHeadSignature(signed, parsePublicKey(publicKey))).toBe(true);
    expect(verifyHeadSignature(signed, parsePublicKey(privateKey))).toBe(true);
    const raw = Buffer.from(generateAuditSigningKey().publicKey, 'base64').toString('base64url');
    expect(parsePublicKey(raw).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses other material without echoing it', () => {
    const secret = 'not-a-key-but-a-secret-value';
    expect(() => parseSigningKey(secret)).toThrow(AuditKeyError);
    try {
      parseSigningKey(secret);
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
    expect(() => parseSigningKey(generateAuditSigningKey().publicKey.slice(0, 20))).toThrow(AuditKeyError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() => parseSigningKey(rsa)).toThrow(/not an Ed25519 private key/);
    expect(() => parseSigningKey(generateKeyPairSync('ed25519').publicKey)).toThrow(/not an Ed25519 private key/);
  });
});

describe('signed heads', () => {
  const pair = generateAuditSigningKey();
  const signed = signChainHead(head, parseSigningKey(pair.privateKey), new Date('2026-11-23T02:00:00.000Z'));
  const publicKey = parsePublicKey(pair.publicKey);

  it('signs the canonical JSON of seq, hash and time', () => {
    expect(headPayload(signed)).toBe(`{"at":"2026-11-23T02:00:00.000Z","hash":"${'c'.repeat(64)}","seq":42}`);
  });

  it.each([
    ['seq', { seq: 41 }],
    ['hash', { hash: 'd'.repeat(64) }],
    ['time', { at: '2026-11-23T02:00:01.000Z' }],
    ['signature', { signature: Buffer.alloc(64).toString('base64') }],
    ['garbled signature', { signature: '!!' }],
  ])('fails when the %s changed', (_name, change) => {
    expect(verifyHeadSignature({ ...signed, ...change }, publicKey)).toBe(false);
  });

  it('fails with another key', () => {
    expect(verifyHeadSignature(signed, parsePublicKey(generateAuditSigningKey().publicKey))).toBe(false);
  });

  it('parses only well-formed stored heads', () => {
    expect(parseSignedHead(JSON.parse(JSON.stringify(signed)))).toEqual(signed);
    expect(parseSignedHead({ ...signed, seq: -1 })).toBeNull();
    expect(parseSignedHead({ ...signed, hash: 'xyz' })).toBeNull();
    expect(parseSignedHead('head')).toBeNull();
  });
});

describe('MemoryHeadStore', () => {
  it('keeps the newest heads in order', async () => {
    const store = new MemoryHeadStore(2);
    const key = parseSigningKey(generateAuditSigningKey().privateKey);
    for (const seq of [1, 2, 3]) await store.put(signChainHead({ seq, hash: head.hash }, key));
    const history = await store.history();
    expect(history.map((entry) => entry.head?.seq)).toEqual([2, 3]);
    expect(history.map((entry) => entry.revision)).toEqual([2, 3]);
  });
});
