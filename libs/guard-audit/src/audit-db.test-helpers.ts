import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations, createPool } from '@homelab/database';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import type { AuditKind, AuditRecordInput } from './record.js';

/** jarvis-guard's migrations: the audit table exactly as the service gets it. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../apps/jarvis-guard/prisma/migrations', import.meta.url));

export interface AuditTestDatabase {
  database: TestDatabase;
  /** Connects as the test server's superuser, like the service does in development. */
  pool: pg.Pool;
  /** Runs SQL with the audit table's triggers disabled: what a superuser can do. */
  tamper(sql: string, values?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function createAuditTestDatabase(label = 'guard_audit'): Promise<AuditTestDatabase> {
  const database = await createTestDatabase(label);
  await applyMigrations({ connectionString: database.url, migrationsDir: MIGRATIONS_DIR });
  const pool = createPool(database.url, { max: 10 });
  return {
    database,
    pool,
    tamper: async (sql, values = []) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('ALTER TABLE audit_record DISABLE TRIGGER ALL');
        await client.query(sql, values);
      } finally {
        await client.query('ALTER TABLE audit_record ENABLE TRIGGER ALL').catch(() => undefined);
        await client.end();
      }
    },
    close: async () => {
      await pool.end().catch(() => undefined);
      await database.drop();
    },
  };
}

const KINDS: readonly AuditKind[] = ['evaluation', 'approval', 'execution', 'rollback', 'suspension'];

/** A varied, realistic record; `i` makes it unique. */
export function sampleRecord(i: number): AuditRecordInput {
  const kind = KINDS[i % KINDS.length] ?? 'evaluation';
  return {
    kind,
    action: kind === 'execution' ? 'finished' : 'requested',
    caller: i % 3 === 0 ? 'jarvis' : 'operator',
    sessionId: `session-${i % 7}`,
    host: `host-${i % 4}.lan`,
    command: `systemctl restart app-${i} && echo "done ${i}"`,
    decision: ['allow', 'approval', 'deny'][i % 3] ?? 'allow',
    rule: `rule.${i % 5}`,
    ...(kind === 'approval' ? { approver: 'alice', reason: `approved #${i}` } : { reason: 'read-only diagnostics' }),
    ...(kind === 'execution' ? { exitCode: i % 2, durationMs: 10 + i, outputSha256: 'ab'.repeat(32) } : {}),
    traceId: (i + 1).toString(16).padStart(32, '0'),
    details: { i, approvalId: `apr-${i}`, nested: { list: [i, i / 3, 'x'], flag: i % 2 === 0 } },
  };
}
