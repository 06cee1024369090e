import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.js';
import { AuditTamperError } from './errors.js';
import { MemoryHeadStore } from './head-store.js';
import { generateAuditSigningKey, parseSigningKey, signChainHead } from './signing.js';
import { verifyAudit } from './verify.js';
import type { AuditVerifyReport } from './verify-types.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

/**
 * Each case: 10 records, a head signed at seq 10, then a superuser disables
 * the triggers and tampers directly in SQL. verifyAudit must name it.
 */
let db: AuditTestDatabase;
let headStore: MemoryHeadStore;
let audit: AuditLog;
const keys = generateAuditSigningKey();

beforeEach(async () => {
  db = await createAuditTestDatabase('audit_tamper');
  headStore = new MemoryHeadStore();
  audit = new AuditLog({ pool: db.pool, signingKey: keys.privateKey, headStore });
  for (let i = 1; i <= 10; i++) await audit.append(sampleRecord(i));
  await audit.signHead();
});

afterEach(async () => {
  await db?.close();
});

function verify(options: { requireSignedHead?: boolean } = {}): Promise<AuditVerifyReport> {
  return verifyAudit({ pool: db.pool, headStore, publicKey: keys.publicKey, ...options });
}

/** Recomputes prev_hash and hash from `fromSeq` on, as an attacker who knows the algorithm would. */
async function rehashFrom(fromSeq: number): Promise<void> {
  await db.tamper(`DO $$
    DECLARE s BIGINT; prev TEXT;
    BEGIN
      SELECT hash INTO prev FROM audit_record WHERE seq = ${fromSeq - 1};
      prev := coalesce(prev, repeat('0', 64));
      FOR s IN SELECT seq FROM audit_record WHERE seq >= ${fromSeq} ORDER BY seq LOOP
        -- the content excludes prev_hash and hash, so the old row's content is the new one's
        UPDATE audit_record a SET prev_hash = prev,
               hash = encode(sha256(convert_to(prev || audit_record_content(a), 'UTF8')), 'hex')
         WHERE seq = s RETURNING hash INTO prev;
      END LOOP;
    END $$`);
}

describe('verifyAudit on an untouched log', () => {
  it('is ok and reports the signed head', async () => {
    expect(await verify()).toMatchObject({ ok: true, records: 10, head: { seq: 10 }, tip: { seq: 10 } });
  });
});

describe('verifyAudit names the first tampered record', () => {
  it('an edited command', async () => {
    await db.tamper(`UPDATE audit_record SET command = 'uptime' WHERE seq = 4`);
    expect(await verify()).toMatchObject({ ok: false, records: 3, problem: { kind: 'edited', seq: 4 } });
  });

  it('an edited decision in a later record too: still the first one', async () => {
    await db.tamper(`UPDATE audit_record SET decision = 'forged' WHERE seq IN (6, 8)`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 6, message: expect.stringMatching(/seq 6 was edited/) } });
  });

  it('an edited timestamp (one microsecond)', async () => {
    await db.tamper(`UPDATE audit_record SET recorded_at = recorded_at + interval '1 microsecond' WHERE seq = 5`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 5 } });
  });

  it('an edited details value (jsonb)', async () => {
    await db.tamper(`UPDATE audit_record SET details = jsonb_set(details, '{approvalId}', '"apr-forged"') WHERE seq = 7`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 7 } });
  });

  it('an edited record that was re-hashed to match', async () => {
    await db.tamper(`UPDATE audit_record SET exit_code = 0 WHERE seq = 3`);
    await db.tamper(`UPDATE audit_record SET hash = encode(sha256(convert_to(prev_hash || audit_record_content(audit_record), 'UTF8')), 'hex') WHERE seq = 3`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 3, message: expect.stringMatching(/re-hashed/) } });
  });

  it('a deleted record in the middle (gap)', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq = 5');
    expect(await verify()).toMatchObject({ ok: false, records: 4, problem: { kind: 'deleted', seq: 5, message: 'seq 5 is missing: the record was deleted' } });
  });

  it('several deleted records', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq BETWEEN 2 AND 4');
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 2, message: expect.stringMatching(/seqs 2\.\.4 are missing/) } });
  });

  it('the first record deleted', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq = 1');
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 1 } });
  });

  it('a deleted record with the later seqs renumbered to close the gap', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq = 5');
    await db.tamper('UPDATE audit_record SET seq = seq - 1 WHERE seq > 5');
    const report = await verify();
    expect(report).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 5 } });
  });

  it('two records whose seq were swapped', async () => {
    await db.tamper('UPDATE audit_record SET seq = 1003 WHERE seq = 3');
    await db.tamper('UPDATE audit_record SET seq = 3 WHERE seq = 6');
    await db.tamper('UPDATE audit_record SET seq = 6 WHERE seq = 1003');
    expect(await verify()).toMatchObject({ ok: false, records: 2, problem: { kind: 'reordered', seq: 3, message: expect.stringMatching(/written as seq 6/) } });
  });

  it('two records whose contents were swapped', async () => {
    await db.tamper(`UPDATE audit_record a SET kind = b.kind, action = b.action, caller = b.caller, session_id = b.session_id, host = b.host,
                            command = b.command, decision = b.decision, rule = b.rule, approver = b.approver, reason = b.reason,
                            exit_code = b.exit_code, duration_ms = b.duration_ms, output_sha256 = b.output_sha256, trace_id = b.trace_id,
                            details = b.details, recorded_at = b.recorded_at
                       FROM audit_record b WHERE (a.seq, b.seq) IN ((4, 5), (5, 4))`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 4, message: expect.stringMatching(/content written at seq 5/) } });
  });

  it('timestamps swapped and the chain re-hashed: time runs backwards', async () => {
    await db.tamper(`UPDATE audit_record a SET recorded_at = b.recorded_at FROM audit_record b WHERE (a.seq, b.seq) IN ((6, 7), (7, 6))`);
    await rehashFrom(6);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 7, message: expect.stringMatching(/before seq 6/) } });
  });
});

describe('verifyAudit checks the chain against the signed heads', () => {
  it('a tail deleted after the head was signed', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq >= 8');
    expect(await verify()).toMatchObject({
      ok: false,
      records: 7,
      problem: { kind: 'truncated', seq: 8, message: expect.stringMatching(/reached seq 10 .* table ends at seq 7: records 8\.\.10 were deleted/) },
    });
  });

  it('every record removed (TRUNCATE with the triggers off)', async () => {
    await db.tamper('TRUNCATE audit_record');
    expect(await verify()).toMatchObject({ ok: false, records: 0, problem: { kind: 'truncated', seq: 1 } });
  });

  it('a tail deleted and replaced by new records (the chain itself is consistent)', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq >= 9');
    await audit.append(sampleRecord(90));
    await audit.append(sampleRecord(91));
    await audit.append(sampleRecord(92));
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 10, message: expect.stringMatching(/tail was deleted and new records appended/) } });
  });

  it('the whole chain rewritten from an edited record on', async () => {
    await db.tamper(`UPDATE audit_record SET command = 'harmless' WHERE seq = 4`);
    await rehashFrom(4);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 10 } });
  });

  it('a head forged with another key', async () => {
    const forger = parseSigningKey(generateAuditSigningKey().privateKey);
    await headStore.put(signChainHead({ seq: 12, hash: 'e'.repeat(64) }, forger));
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'bad-signature', seq: 12, message: expect.stringMatching(/does not verify/) } });
  });

  it('a genuine head with its seq altered', async () => {
    const [entry] = await headStore.history();
    if (!entry?.head) throw new Error('no head');
    await headStore.put({ ...entry.head, seq: 5 });
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'bad-signature', seq: 5 } });
  });

  it('accepts heads of a previous key during a key rotation', async () => {
    const next = generateAuditSigningKey();
    const rotated = new AuditLog({ pool: db.pool, signingKey: next.privateKey, headStore });
    await rotated.append(sampleRecord(11));
    await rotated.signHead();
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: [keys.publicKey, next.publicKey] })).toMatchObject({ ok: true, records: 11, head: { seq: 11 } });
    expect(await verifyAudit({ pool: db.pool, headStore, publicKey: next.publicKey })).toMatchObject({ ok: false, problem: { kind: 'bad-signature', seq: 10 } });
  });

  it('requires a head only when asked to', async () => {
    headStore = new MemoryHeadStore();
    expect(await verify()).toMatchObject({ ok: true, records: 10, head: null });
    expect(await verify({ requireSignedHead: true })).toMatchObject({ ok: false, problem: { kind: 'no-signed-head', seq: 10 } });
  });
});

describe('signHead refuses to bless tampering', () => {
  it('after a record since the last head was edited', async () => {
    await audit.append(sampleRecord(11));
    await audit.append(sampleRecord(12));
    await db.tamper(`UPDATE audit_record SET host = 'elsewhere' WHERE seq = 11`);
    const error = await audit.signHead().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuditTamperError);
    expect((error as AuditTamperError).problem).toMatchObject({ kind: 'edited', seq: 11 });
    expect((await headStore.history()).length).toBe(1);
  });

  it('after the signed tail was deleted', async () => {
    await db.tamper('DELETE FROM audit_record WHERE seq >= 9');
    await expect(audit.signHead()).rejects.toMatchObject({ problem: { kind: 'truncated', seq: 10 } });
  });

  it('after the signed record was rewritten', async () => {
    await db.tamper(`UPDATE audit_record SET command = 'harmless' WHERE seq = 4`);
    await rehashFrom(4);
    await expect(audit.signHead()).rejects.toMatchObject({ problem: { kind: 'truncated', seq: 10, message: expect.stringMatching(/rewritten/) } });
  });

  it('the periodic signer reports the tampering instead of signing', async () => {
    await audit.append(sampleRecord(11));
    await db.tamper(`UPDATE audit_record SET reason = 'nothing to see' WHERE seq = 11`);
    const errors: unknown[] = [];
    const signer = audit.startHeadSigner({ intervalMs: 20, onError: (error) => errors.push(error) });
    try {
      await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    } finally {
      await signer.stop();
    }
    expect(errors[0]).toBeInstanceOf(AuditTamperError);
    expect((await headStore.history()).map((entry) => entry.head?.seq)).toEqual([10]);
  });

  it('verifies only the records since the last head (and signs again)', async () => {
    await audit.append(sampleRecord(11));
    const head = await audit.signHead();
    expect(head.seq).toBe(11);
    expect(await verify()).toMatchObject({ ok: true, records: 11, head: { seq: 11 } });
  });
});
