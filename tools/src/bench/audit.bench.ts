// npm run bench:audit — audit appends per second with the hash chain against
// plain inserts of the same rows, in one run, on one database:
//   plain    INSERT into a copy of audit_record without chain or triggers
//   chained  the same INSERT into audit_record (the trigger takes the chain
//            lock, reads the tip and hashes the canonical JSON in PostgreSQL)
//   append/1 AuditLog.append with maxBatch 1 (validation, checkout, deadline,
//            the chained INSERT, one record per transaction)
//   append   AuditLog.append as configured by default: appends queued behind
//            one in flight are committed together (group commit)
// Sequential (interleaved blocks, latency percentiles) and concurrent (several
// in flight on one pool), then verifyAudit over everything written.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { applyMigrations, createPool } from '@homelab/database';
import { AuditLog, MemoryHeadStore, generateAuditSigningKey, verifyAudit, type AuditRecordInput } from '@homelab/guard-audit';
import { createTestDatabase } from '@homelab/testing';
import { summarize, throughput, type LatencySummary } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const SEQUENTIAL = Number(process.env['BENCH_AUDIT_SEQUENTIAL'] ?? 3_000);
const CONCURRENT_TOTAL = Number(process.env['BENCH_AUDIT_CONCURRENT'] ?? 12_000);
const IN_FLIGHT = Number(process.env['BENCH_AUDIT_IN_FLIGHT'] ?? 16);
const BLOCK = 250;

const KINDS = ['evaluation', 'approval', 'execution', 'rollback', 'suspension'] as const;

/** A realistic record: an execution with digest and details most of the time. */
function benchRecord(i: number): AuditRecordInput {
  return {
    kind: KINDS[i % KINDS.length] ?? 'evaluation',
    action: 'finished',
    caller: 'jarvis',
    sessionId: `session-${i % 16}`,
    host: `host-${i % 8}.lan`,
    command: `docker logs --tail 200 app-${i % 50} | grep -i error`,
    decision: 'allow',
    rule: 'diagnostics.docker-logs',
    reason: 'read-only diagnostics',
    exitCode: 0,
    durationMs: 40 + (i % 100),
    outputSha256: 'ab'.repeat(32),
    traceId: i.toString(16).padStart(32, '0'),
    details: { approvalId: null, dryRun: false, outputBytes: 1024 + i, tags: ['bench', `n${i % 10}`] },
  };
}

const COLUMNS = ['kind', 'action', 'caller', 'session_id', 'host', 'command', 'decision', 'rule', 'approver', 'reason', 'exit_code', 'duration_ms', 'output_sha256', 'trace_id', 'details'];

function insertSql(table: string): string {
  const placeholders = COLUMNS.map((column, index) => `$${index + 1}${column === 'details' ? '::jsonb' : ''}`);
  return `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING seq::text AS seq`;
}

function values(record: AuditRecordInput): unknown[] {
  const r = record;
  return [r.kind, r.action, r.caller, r.sessionId, r.host, r.command, r.decision, r.rule, r.approver ?? null, r.reason, r.exitCode, r.durationMs, r.outputSha256, r.traceId, JSON.stringify(r.details)];
}

type Path = { name: string; call: () => Promise<unknown> };

async function timedSequential(call: () => Promise<unknown>, count: number): Promise<{ samples: number[]; ms: number }> {
  const samples: number[] = [];
  const begin = performance.now();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return { samples, ms: performance.now() - begin };
}

/** Alternating blocks so every path sees the same machine (and table size). */
async function sequentialRates(paths: Path[], count: number): Promise<Map<string, { rate: number; latency: LatencySummary }>> {
  const samples = new Map<string, number[]>(paths.map((path) => [path.name, []]));
  const elapsed = new Map<string, number>(paths.map((path) => [path.name, 0]));
  for (let done = 0; done < count; done += BLOCK) {
    for (const path of paths) {
      const result = await timedSequential(path.call, BLOCK);
      samples.get(path.name)?.push(...result.samples);
      elapsed.set(path.name, (elapsed.get(path.name) ?? 0) + result.ms);
    }
  }
  return new Map(
    paths.map((path) => {
      const list = samples.get(path.name) ?? [];
      return [path.name, { rate: list.length / ((elapsed.get(path.name) ?? 1) / 1000), latency: summarize(list) }];
    }),
  );
}

async function concurrentRates(paths: Path[], total: number, inFlight: number): Promise<Map<string, number>> {
  const rates = new Map<string, number[]>(paths.map((path) => [path.name, []]));
  // two rounds in alternating order, averaged
  for (const round of [paths, [...paths].reverse()]) {
    for (const path of round) rates.get(path.name)?.push(await throughput(path.call, total / 2, inFlight));
  }
  return new Map([...rates].map(([name, list]) => [name, list.reduce((sum, v) => sum + v, 0) / list.length]));
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_audit');
  let pool: pg.Pool | undefined;
  try {
    await applyMigrations({ connectionString: db.url, migrationsDir: join(root, 'apps/jarvis-guard/prisma/migrations') });
    pool = createPool(db.url, { max: IN_FLIGHT, applicationName: 'bench-audit' });
    const p = pool;
    // the same columns, defaults, CHECKs and indexes; no triggers, so no chain
    await p.query(`CREATE TABLE audit_plain (LIKE audit_record INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
                   ALTER TABLE audit_plain ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY,
                                           ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    const audit = new AuditLog({ pool: p });
    const unbatched = new AuditLog({ pool: p, maxBatch: 1 });
    const plainSql = insertSql('audit_plain');
    const chainedSql = insertSql('audit_record');
    let n = 0;
    const paths: Path[] = [
      { name: 'plain', call: () => p.query(plainSql, values(benchRecord(n++))) },
      { name: 'chained', call: () => p.query(chainedSql, values(benchRecord(n++))) },
      { name: 'append/1', call: () => unbatched.append(benchRecord(n++)) },
      { name: 'append', call: () => audit.append(benchRecord(n++)) },
    ];

    process.stdout.write('warming up…\n');
    for (const path of paths) await timedSequential(path.call, 300);
    process.stdout.write(`sequential: ${SEQUENTIAL} appends per path, interleaved in blocks of ${BLOCK}…\n`);
    const sequential = await sequentialRates(paths, SEQUENTIAL);
    process.stdout.write(`concurrent: ${CONCURRENT_TOTAL} appends per path at ${IN_FLIGHT} in flight…\n`);
    const concurrent = await concurrentRates(paths, CONCURRENT_TOTAL, IN_FLIGHT);

    const records = Number((await p.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_record')).rows[0]?.n ?? 0);
    const verifyStarted = performance.now();
    const report = await verifyAudit({ pool: p, headStore: new MemoryHeadStore(), publicKey: generateAuditSigningKey().publicKey });
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    if (!report.ok) throw new Error(`the benchmark's own chain does not verify: ${report.problem.message}`);

    const plainSeq = sequential.get('plain');
    const plainConc = concurrent.get('plain') ?? NaN;
    const lines = [
      '',
      `Audit append benchmark (PostgreSQL ${(await p.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '?'}, loopback; one record ≈ ${JSON.stringify(benchRecord(1)).length} bytes of JSON)`,
      `${'path'.padEnd(9)} ${'seq/s'.padStart(9)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'÷plain'.padStart(7)}   ${`${IN_FLIGHT} in flight/s`.padStart(16)} ${'÷plain'.padStart(7)}`,
      ...paths.map(({ name }) => {
        const s = sequential.get(name);
        const c = concurrent.get(name) ?? NaN;
        return (
          `${name.padEnd(9)} ${(s?.rate ?? NaN).toFixed(0).padStart(9)} ${(s?.latency.p50Us ?? NaN).toFixed(0).padStart(8)} ${(s?.latency.p99Us ?? NaN).toFixed(0).padStart(8)} ` +
          `${((s?.rate ?? NaN) / (plainSeq?.rate ?? NaN)).toFixed(2).padStart(6)}×   ${c.toFixed(0).padStart(16)} ${(c / plainConc).toFixed(2).padStart(6)}×`
        );
      }),
      '',
      `verifyAudit: ${records} chained records in ${verifySeconds.toFixed(2)} s (${(records / verifySeconds).toFixed(0)} records/s)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pool?.end();
    await db.drop();
  }
}

await main();
process.exit(0);
