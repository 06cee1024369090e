import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@homelab/database';
import type pg from 'pg';
import { AuditLog } from './audit-log.js';
import { MemoryHeadStore } from './head-store.js';
import { generateAuditSigningKey } from './signing.js';
import { verifyAudit } from './verify.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

const APPENDERS = 3;
const RECORDS_EACH = 200;
const IN_FLIGHT_EACH = 8;

let db: AuditTestDatabase;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await createAuditTestDatabase('audit_concurrency');
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db?.close();
});

/** One replica: its own pool, `RECORDS_EACH` appends with several in flight. */
async function replica(index: number, maxBatch: number): Promise<number[]> {
  const pool = createPool(db.database.url, { max: IN_FLIGHT_EACH });
  pools.push(pool);
  const audit = new AuditLog({ pool, maxBatch });
  const seqs: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < RECORDS_EACH) {
      const i = next++;
      seqs.push((await audit.append({ ...sampleRecord(i), caller: `replica-${index}` })).seq);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT_EACH }, worker));
  return seqs;
}

describe('concurrent appends from several replicas', () => {
  // maxBatch 1: one record per transaction, so every append contends for the chain lock
  it.each([100, 1])(`${APPENDERS} appenders × ${RECORDS_EACH} records (maxBatch %i): one gap-free chain that verifies`, async (maxBatch) => {
    await db.tamper('TRUNCATE audit_record');
    const results = await Promise.all(Array.from({ length: APPENDERS }, (_, index) => replica(index, maxBatch)));
    const all = results.flat().sort((a, b) => a - b);
    const total = APPENDERS * RECORDS_EACH;
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    const { rows } = await db.pool.query<{ caller: string; count: string }>('SELECT caller, count(*)::text AS count FROM audit_record GROUP BY caller ORDER BY caller');
    expect(rows).toEqual(Array.from({ length: APPENDERS }, (_, index) => ({ caller: `replica-${index}`, count: String(RECORDS_EACH) })));
    // the appends really interleaved: no replica's records form one block
    const { rows: switches } = await db.pool.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM (SELECT caller, lag(caller) OVER (ORDER BY seq) AS before FROM audit_record) t WHERE caller <> before',
    );
    expect(Number(switches[0]?.n)).toBeGreaterThan(APPENDERS);

    const keys = generateAuditSigningKey();
    const report = await verifyAudit({ pool: db.pool, headStore: new MemoryHeadStore(), publicKey: keys.publicKey, pageSize: 128 });
    expect(report).toMatchObject({ ok: true, records: total, tip: { seq: total } });
  });
});
