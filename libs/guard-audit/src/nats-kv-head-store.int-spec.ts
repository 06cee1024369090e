import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl, uniqueStreamName } from '@homelab/testing';
import { AuditLog } from './audit-log.js';
import { NatsKvHeadStore } from './nats-kv-head-store.js';
import { generateAuditSigningKey, parseSigningKey, signChainHead } from './signing.js';
import { verifyAudit } from './verify.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

let nc: NatsConnection;
const buckets: string[] = [];
const keys = generateAuditSigningKey();
const key = parseSigningKey(keys.privateKey);

function bucketName(): string {
  const name = uniqueStreamName('guard_audit_heads_test');
  buckets.push(name);
  return name;
}

beforeAll(async () => {
  nc = await connect({ servers: natsUrl() });
});

afterAll(async () => {
  const kvm = new Kvm(nc);
  for (const bucket of buckets) {
    await kvm
      .open(bucket)
      .then((kv) => kv.destroy())
      .catch(() => undefined);
  }
  await nc?.close();
});

describe('NatsKvHeadStore', () => {
  it('keeps signed heads in a KV bucket with history, oldest first', async () => {
    const store = await NatsKvHeadStore.open(nc, { bucket: bucketName() });
    expect(await store.history()).toEqual([]);
    const heads = [1, 2, 3].map((seq) => signChainHead({ seq, hash: String(seq).repeat(64) }, key));
    for (const head of heads) await store.put(head);
    const history = await store.history();
    expect(history.map((entry) => entry.head)).toEqual(heads);
    expect(history[0]?.revision).toBeLessThan(history[2]?.revision ?? 0);
  });

  it('bounds the history', async () => {
    const store = await NatsKvHeadStore.open(nc, { bucket: bucketName(), history: 2 });
    for (const seq of [1, 2, 3]) await store.put(signChainHead({ seq, hash: 'a'.repeat(64) }, key));
    expect((await store.history()).map((entry) => entry.head?.seq)).toEqual([2, 3]);
  });

  it('opens an existing bucket from another connection (the verifier), and refuses a missing one', async () => {
    const bucket = bucketName();
    const writer = await NatsKvHeadStore.open(nc, { bucket });
    await writer.put(signChainHead({ seq: 7, hash: 'b'.repeat(64) }, key));
    const other = await connect({ servers: natsUrl() });
    try {
      const reader = await NatsKvHeadStore.open(other, { bucket, create: false });
      expect((await reader.history()).map((entry) => entry.head?.seq)).toEqual([7]);
      await expect(NatsKvHeadStore.open(other, { bucket: uniqueStreamName('missing'), create: false })).rejects.toThrow();
    } finally {
      await other.close();
    }
  });

  it('reports an entry that is not a signed head; verifyAudit names it a bad signature', async () => {
    const bucket = bucketName();
    const store = await NatsKvHeadStore.open(nc, { bucket });
    const kv = await new Kvm(nc).open(bucket);
    await kv.put('head', '{"seq": 3, "hash": "nope"}');
    await store.put(signChainHead({ seq: 0, hash: '0'.repeat(64) }, key));
    const history = await store.history();
    expect(history.map((entry) => entry.head === null)).toEqual([true, false]);
    const db = await createAuditTestDatabase('audit_kv_bad');
    try {
      const report = await verifyAudit({ pool: db.pool, headStore: store, publicKey: keys.publicKey });
      expect(report).toMatchObject({ ok: false, problem: { kind: 'bad-signature', message: expect.stringMatching(/is not a signed chain head/) } });
    } finally {
      await db.close();
    }
  });

  it('end to end: heads signed into NATS catch a truncated tail', async () => {
    const db: AuditTestDatabase = await createAuditTestDatabase('audit_kv_e2e');
    try {
      const store = await NatsKvHeadStore.open(nc, { bucket: bucketName() });
      const audit = new AuditLog({ pool: db.pool, signingKey: keys.privateKey, headStore: store });
      for (let i = 0; i < 5; i++) await audit.append(sampleRecord(i));
      const head = await audit.signHead();
      expect(await verifyAudit({ pool: db.pool, headStore: store, publicKey: keys.publicKey })).toEqual({ ok: true, records: 5, head, tip: { seq: 5, hash: head.hash } });
      await db.tamper('DELETE FROM audit_record WHERE seq = 5');
      expect(await verifyAudit({ pool: db.pool, headStore: store, publicKey: keys.publicKey })).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 5 } });
    } finally {
      await db.close();
    }
  });
});
