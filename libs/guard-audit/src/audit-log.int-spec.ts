import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '@homelab/testing';
import { AuditLog } from './audit-log.js';
import { rowContentJson, SELECT_CHAIN_ROWS, type ChainRow } from './chain.js';
import { GENESIS_HASH } from './canonical.js';
import { AuditRecordError } from './errors.js';
import type { AuditRecordInput } from './record.js';
import { MemoryHeadStore } from './head-store.js';
import { generateAuditSigningKey, type SignedHead } from './signing.js';
import { verifyAudit } from './verify.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

let db: AuditTestDatabase;
const keys = generateAuditSigningKey();
const headStore = new MemoryHeadStore();
let audit: AuditLog;

beforeAll(async () => {
  db = await createAuditTestDatabase('audit_log');
  audit = new AuditLog({ pool: db.pool, signingKey: keys.privateKey, headStore });
});

afterAll(async () => {
  await db?.close();
});

/** Records whose content stresses the canonical JSON: escapes, unicode, numbers PostgreSQL respells, key order. */
const awkward: AuditRecordInput[] = [
  { kind: 'evaluation', caller: 'jarvis', command: 'echo "quoted" \\ back\tslash\nnext line \u001f \u007f', decision: 'deny' },
  { kind: 'approval', caller: 'opérateur', approver: 'ж', reason: '😀 emoji and \u2028 line separator', details: { '😀': 1, '\uffff': 2, B: 3, a: 4, '': 5 } },
  { kind: 'execution', caller: 'jarvis', exitCode: -1, durationMs: 0, details: { n: [1e21, 1.5e-7, 0.1, -0, 5e-324, 1.7976931348623157e308, 123456789012345680000, -2.5] } },
  { kind: 'rollback', caller: 'jarvis', details: { deep: { a: [[], {}, [null, true, false]], 'k"ey': 'v\\al' } } },
  { kind: 'suspension', caller: 'jarvis', sessionId: 's-1', details: {} },
];

describe('AuditLog.append', () => {
  it('chains records: gap-free seq from 1, each prev_hash the hash before', async () => {
    const first = await audit.append(sampleRecord(0));
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    let previous = first;
    for (let i = 1; i < 20; i++) {
      const next = await audit.append(sampleRecord(i));
      expect(next.seq).toBe(previous.seq + 1);
      expect(next.prevHash).toBe(previous.hash);
      expect(next.recordedAt >= previous.recordedAt).toBe(true);
      previous = next;
    }
    const report = await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey });
    expect(report).toEqual({ ok: true, records: 20, head: null, tip: { seq: 20, hash: previous.hash } });
  });

  it('hashes awkward content the same way in PostgreSQL and in the Node verifier', async () => {
    for (const record of awkward) await audit.append(record);
    const { rows } = await db.pool.query<ChainRow & { sql_content: string }>(
      `SELECT c.*, audit_record_content(r) AS sql_content FROM (${SELECT_CHAIN_ROWS}) c JOIN audit_record r ON r.seq = c.seq::bigint ORDER BY r.seq`,
    );
    for (const row of rows) expect(rowContentJson(row)).toBe(row.sql_content);
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey })).toMatchObject({ ok: true, records: 25 });
  });

  it('reads records back as they were written', async () => {
    const [record] = await audit.read({ afterSeq: 21, limit: 1 });
    expect(record).toMatchObject({ seq: 22, kind: 'approval', caller: 'opérateur', approver: 'ж', details: awkward[1]?.details, exitCode: null });
    expect(record?.recordedAt).toMatch(/Z$/);
  });

  it('ignores seq, time and hashes sent by a client: the trigger assigns them', async () => {
    await db.pool.query(
      `INSERT INTO audit_record (seq, recorded_at, kind, caller, prev_hash, hash) VALUES (9999, '2000-01-01', 'evaluation', 'intruder', $1, $1)`,
      ['f'.repeat(64)],
    );
    const tip = await audit.tip();
    expect(tip?.seq).toBe(26);
    const { rows } = await db.pool.query<{ recorded_at: Date }>('SELECT recorded_at FROM audit_record WHERE seq = 26');
    expect(rows[0]?.recorded_at.getFullYear()).toBeGreaterThan(2000);
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey })).toMatchObject({ ok: true, records: 26 });
  });

  it('commits appends made together in one batch, in call order, each resolving after the commit', async () => {
    const before = (await audit.tip())?.seq ?? 0;
    const records = Array.from({ length: 50 }, (_, i) => ({ ...sampleRecord(i), command: `parallel #${i}` }));
    const appended = await Promise.all(records.map((record) => audit.append(record)));
    expect(appended.map((record) => record.seq)).toEqual(records.map((_, i) => before + i + 1));
    const { rows } = await db.pool.query<{ command: string }>(`SELECT command FROM audit_record WHERE seq > $1 ORDER BY seq`, [before]);
    expect(rows.map((row) => row.command)).toEqual(records.map((record) => record.command));
    // fewer transactions than records: the chain lock and the WAL flush were shared
    const { rows: transactions } = await db.pool.query<{ n: string }>(`SELECT count(DISTINCT xmin::text)::text AS n FROM audit_record WHERE seq > $1`, [before]);
    expect(Number(transactions[0]?.n)).toBeLessThan(50);
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey })).toMatchObject({ ok: true, records: before + 50 });
  });

  it('refuses a bad record before touching the database', async () => {
    const before = await audit.tip();
    await expect(audit.append({ kind: 'execution', caller: 'jarvis', command: 'a\u0000b' })).rejects.toThrow(AuditRecordError);
    expect(await audit.tip()).toEqual(before);
  });
});

describe('append-only, enforced by the database', () => {
  it.each([
    ['UPDATE', `UPDATE audit_record SET command = 'rm -rf /' WHERE seq = 1`],
    ['DELETE', 'DELETE FROM audit_record WHERE seq = 1'],
    ['DELETE', 'DELETE FROM audit_record WHERE seq = -1'],
    ['TRUNCATE', 'TRUNCATE audit_record'],
    ['UPDATE', `INSERT INTO audit_record (kind, caller) VALUES ('evaluation', 'x') ON CONFLICT (seq) DO UPDATE SET caller = 'y'`],
  ])('refuses %s, even as superuser: %s', async (operation, sql) => {
    const before = await audit.tip();
    const error = await db.pool.query(sql).then(
      () => null,
      (caught: unknown) => caught as Error & { hint?: string },
    );
    expect(error?.message).toBe(`audit_record is append-only: ${operation} refused`);
    expect(error?.hint).toMatch(/append a correcting record/);
    expect(await audit.tip()).toEqual(before);
  });

  it("cannot be bypassed by the service's role (no owner, no superuser)", async () => {
    const role = `guard_audit_app_${randomToken(8)}`;
    const client = new pg.Client({ connectionString: db.database.url });
    await client.connect();
    try {
      await client.query(`CREATE ROLE ${role} NOLOGIN`);
      await client.query(`GRANT SELECT, INSERT ON audit_record TO ${role}`);
      await client.query(`SET ROLE ${role}`);
      await client.query(`INSERT INTO audit_record (kind, caller) VALUES ('evaluation', 'as-app-role')`);
      const refusals = [
        `UPDATE audit_record SET caller = 'x'`,
        'DELETE FROM audit_record',
        'TRUNCATE audit_record',
        'ALTER TABLE audit_record DISABLE TRIGGER ALL',
        'ALTER TABLE audit_record DISABLE TRIGGER audit_record_append_only',
        'DROP TRIGGER audit_record_append_only ON audit_record',
        'SET session_replication_role = replica',
        'CREATE OR REPLACE FUNCTION audit_record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
      ];
      for (const sql of refusals) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied|must be owner|must be superuser/);
      }
    } finally {
      await client.query('RESET ROLE').catch(() => undefined);
      await client.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await client.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await client.end();
    }
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey })).toMatchObject({ ok: true, records: 77 });
  });
});

describe('signed chain heads', () => {
  it('signs the tip on demand and verify reports it', async () => {
    const tip = await audit.tip();
    const head = await audit.signHead();
    expect(head).toMatchObject({ seq: tip?.seq, hash: tip?.hash, keyId: keys.keyId });
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey })).toEqual({ ok: true, records: tip?.seq, head, tip });
  });

  it('signs periodically while the chain moves, and only then', async () => {
    const signed: SignedHead[] = [];
    const errors: unknown[] = [];
    const signer = audit.startHeadSigner({ intervalMs: 50, onSigned: (head) => signed.push(head), onError: (error) => errors.push(error) });
    try {
      const appended = await audit.append(sampleRecord(100));
      await expect.poll(() => signed.some((head) => head.seq === appended.seq), { timeout: 5_000 }).toBe(true);
      const count = signed.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(signed.length).toBe(count);
    } finally {
      await signer.stop();
    }
    expect(errors).toEqual([]);
  });
});
