import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError } from '@homelab/contracts';
import { applyMigrations } from '@homelab/database';
import { AuditLog, generateAuditSigningKey, MemoryHeadStore, verifyAudit } from '@homelab/guard-audit';
import { CheckpointService, LocalExecutor } from '@homelab/guard-exec';
import { EventStream, NatsConnectionManager } from '@homelab/platform';
import { createTestDatabase, natsUrl, uniqueSubjectPrefix, type TestDatabase } from '@homelab/testing';
import { createLogger, ServiceMetrics } from '@homelab/tracing';
import { ApprovalStore, GuardService, RateLimiter, SessionGuard, type CommandJudge, type Evaluation } from './index.js';

// Real: PostgreSQL, the audit chain, the local executor, checkpoints, JetStream.
// The policy is a small fixed table here; libs/guard-policy has its own corpus.
const migrationsDir = fileURLToPath(new URL('../../../apps/jarvis-guard/prisma/migrations', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'guard-service-'));
const configFile = join(workDir, 'app.conf');

const judge: CommandJudge = {
  evaluate: ({ command }): Evaluation => {
    const base = { displayCommand: command, checkpoint: { paths: [] as string[], containers: [] as string[] } };
    if (command.startsWith('echo ')) return { ...base, decision: 'allow', rule: 'read-only', reason: 'prints text' };
    if (command.startsWith('sed -i')) return { ...base, decision: 'approval', rule: 'edit-config', reason: 'edits a file', checkpoint: { paths: [configFile], containers: [] } };
    return { ...base, decision: 'deny', rule: 'default-deny-for-test', reason: 'not in the test policy' };
  },
};

let db: TestDatabase;
let pool: pg.Pool;
let guard: GuardService;
let audit: AuditLog;
let checkpoints: CheckpointService;
const prefix = uniqueSubjectPrefix('guardsvc');
const manager = new NatsConnectionManager(
  { servers: [natsUrl()], name: 'guard-service-spec' },
  createLogger({ service: 'spec', instanceId: 'x', level: 'silent', redact: (s) => s }),
  new ServiceMetrics('spec'),
);
const events = new EventStream(manager, prefix, { name: 'GUARD_APPROVALS', subjects: ['guard.approval.>'], maxAgeMs: 60_000 });
const caller = (sessionId: string) => ({ id: 'jarvis', role: 'operator', sessionId });

beforeAll(async () => {
  db = await createTestDatabase('guard-service');
  await applyMigrations({ connectionString: db.url, migrationsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 10 });
  await manager.connect();
  const executor = new LocalExecutor();
  audit = new AuditLog({ pool });
  checkpoints = new CheckpointService({ pool, executorFor: () => executor });
  guard = new GuardService({
    judge,
    audit,
    approvals: new ApprovalStore(pool, 60_000, (c) => c),
    limiter: new RateLimiter(pool),
    sessions: new SessionGuard(pool, 3),
    events,
    checkpoints: {
      take: async (input) => (await checkpoints.create({ host: input.host.config.name, command: input.command, caller: input.caller, scope: { paths: input.paths, containers: input.containers } })).id,
      rollback: async (id) => {
        const report = await checkpoints.rollback(id);
        return { checkpointId: id, host: 'local', restored: report.files.map((f) => f.path), differences: report.differences };
      },
    },
    hosts: (name) => (name === 'local' ? { config: { kind: 'local', name: 'local' }, executor } : undefined),
    limits: { perCaller: { capacity: 1000, refillPerSecond: 100 }, perSession: { capacity: 4, refillPerSecond: 0.01 }, defaultTimeoutMs: 5000, maxOutputBytes: 65_536 },
  });
});

afterAll(async () => {
  const jsm = await jetstreamManager(await manager.connect());
  await jsm.streams.delete(events.streamName).catch(() => undefined);
  await manager.drain(1000);
  await pool?.end();
  await db?.drop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('GuardService', () => {
  it('runs an allowed command and records it before and after', async () => {
    const result = await guard.execute({ command: 'echo hello', host: 'local', caller: caller('s-allow'), dryRun: false });
    expect(result).toMatchObject({ status: 'executed', exitCode: 0, stdout: 'hello\n', checkpointId: null });
    const rows = await pool.query<{ kind: string; action: string }>('select kind, action from audit_record order by seq');
    expect(rows.rows.map((r) => `${r.kind}:${r.action}`)).toEqual(['evaluation:execute', 'execution:started', 'execution:finished']);
  });

  it('denies what the policy denies, and suspends the session after three denials in a row', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await guard.execute({ command: 'rm -rf /', host: 'local', caller: caller('s-deny'), dryRun: false })).status).toBe('denied');
    }
    const suspended = await guard.execute({ command: 'echo hi', host: 'local', caller: caller('s-deny'), dryRun: false });
    expect(suspended.status).toBe('suspended');
    expect(await guard.resume('s-deny', 'alice')).toBe(true);
    expect((await guard.execute({ command: 'echo hi', host: 'local', caller: caller('s-deny'), dryRun: false })).status).toBe('executed');
  });

  it('asks for approval, announces it on JetStream, and runs it once after approval with a checkpoint that rolls back', async () => {
    writeFileSync(configFile, 'mode=old\n');
    const command = `sed -i s/old/new/ ${configFile}`;
    const asked = await guard.execute({ command, host: 'local', caller: caller('s-approve'), dryRun: false });
    expect(asked.status).toBe('approval_required');
    if (asked.status !== 'approval_required') return;
    expect(readFileSync(configFile, 'utf8')).toBe('mode=old\n');

    const jsm = await jetstreamManager(await manager.connect());
    expect((await jsm.streams.info(events.streamName)).state.messages).toBeGreaterThanOrEqual(1);

    const dry = await guard.execute({ command, host: 'local', caller: caller('s-approve'), dryRun: true });
    expect(dry).toMatchObject({ status: 'dry_run', plan: { host: 'local', checkpoint: { paths: [configFile] } } });

    await guard.decide(asked.approvalId, 'approve', 'alice', 'planned change');
    const ran = await guard.execute({ command, host: 'local', caller: caller('s-approve'), dryRun: false, approvalId: asked.approvalId });
    expect(ran).toMatchObject({ status: 'executed', exitCode: 0 });
    expect(readFileSync(configFile, 'utf8')).toBe('mode=new\n');
    await expect(guard.execute({ command, host: 'local', caller: caller('s-approve'), dryRun: false, approvalId: asked.approvalId })).rejects.toBeInstanceOf(RpcError);

    if (ran.status !== 'executed' || !ran.checkpointId) throw new Error('expected a checkpoint');
    const summary = await guard.rollback(ran.checkpointId, 'alice');
    expect(summary.differences).toEqual([]);
    expect(readFileSync(configFile, 'utf8')).toBe('mode=old\n');
    await expect(guard.rollback(ran.checkpointId, 'alice')).rejects.toThrow();
    const kinds = await pool.query<{ action: string }>("select action from audit_record where kind = 'rollback' order by seq");
    expect(kinds.rows.map((r) => r.action)).toEqual(['started', 'finished', 'started']);
  });

  it('limits a session to its bucket', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await guard.execute({ command: 'echo x', host: 'local', caller: caller('s-rate'), dryRun: false })).status);
    expect(statuses).toEqual(['executed', 'executed', 'executed', 'executed', 'rate_limited', 'rate_limited']);
  });

  it('leaves an audit chain that verifies', async () => {
    const keys = generateAuditSigningKey();
    const headStore = new MemoryHeadStore();
    await new AuditLog({ pool, signingKey: keys.privateKey, headStore }).signHead();
    const report = await verifyAudit({ pool, headStore, publicKey: keys.publicKey });
    expect(report.ok).toBe(true);
    expect(report.records).toBeGreaterThan(10);
  });
});

