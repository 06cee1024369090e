import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError, RpcErrorCode } from '@homelab/contracts';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import { ApprovalStore, RateLimiter, SessionGuard } from './index.js';

const migrationsDir = fileURLToPath(new URL('../../../apps/jarvis-guard/prisma/migrations', import.meta.url));

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('guard-control');
  await applyMigrations({ connectionString: db.url, migrationsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 20 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const request = { command: 'systemctl restart nginx', displayCommand: 'systemctl restart nginx', host: 'web1', caller: 'jarvis', sessionId: 's1', rule: 'service-restart', reason: 'changes state' };

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ApprovalStore', () => {
  const store = () => new ApprovalStore(pool, 60_000, (c) => c);

  it('lists a new approval as pending with its deadline', async () => {
    const approval = await store().create(request);
    expect(approval.status).toBe('pending');
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.createdAt)).toBeCloseTo(60_000, -2);
    expect((await store().pending()).map((a) => a.id)).toContain(approval.id);
  });

  it('lets exactly one of 100 concurrent approve/deny calls win', async () => {
    const approval = await store().create(request);
    const calls = Array.from({ length: 100 }, (_, i) =>
      store().decide(approval.id, i % 2 ? 'approve' : 'deny', `op${i}`, 'looked at it').then(
        (decided) => ({ ok: true as const, decided }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    const results = await Promise.all(calls);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => !r.ok).map((r) => (r.ok ? undefined : r.error));
    expect(losers.every((e) => e instanceof RpcError && e.code === RpcErrorCode.Rejected && /already (approved|denied)/.test(e.message))).toBe(true);
    const final = await store().get(approval.id);
    expect(final?.status).toBe(winners[0]?.ok ? winners[0].decided.status : undefined);
  });

  it('is used once, and only for the exact command, host and caller', async () => {
    const approval = await store().create(request);
    await store().decide(approval.id, 'approve', 'alice', 'fine');
    expect((await rejection(store().use(approval.id, 'systemctl restart nginx ', 'web1', 'jarvis'))).message).toMatch(/another command/);
    expect((await rejection(store().use(approval.id, request.command, 'web2', 'jarvis'))).message).toMatch(/another command, host or caller/);
    expect((await rejection(store().use(approval.id, request.command, 'web1', 'mallory'))).message).toMatch(/another command, host or caller/);
    const used = await store().use(approval.id, request.command, 'web1', 'jarvis');
    expect(used.status).toBe('used');
    expect((await rejection(store().use(approval.id, request.command, 'web1', 'jarvis'))).message).toMatch(/is used/);
  });

  it('cannot use a pending or denied approval', async () => {
    const pending = await store().create(request);
    expect((await rejection(store().use(pending.id, request.command, 'web1', 'jarvis'))).message).toMatch(/still pending/);
    await store().decide(pending.id, 'deny', 'alice', 'no');
    expect((await rejection(store().use(pending.id, request.command, 'web1', 'jarvis'))).message).toMatch(/is denied/);
  });

  it('expires: no decision after the deadline, and expire() reports it', async () => {
    const short = new ApprovalStore(pool, 150, (c) => c);
    const approval = await short.create(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rejection(short.decide(approval.id, 'approve', 'alice', 'late'))).message).toMatch(/expired/);
    expect((await short.expire()).map((a) => a.id)).toContain(approval.id);
    expect((await short.get(approval.id))?.status).toBe('expired');
    expect((await short.pending()).map((a) => a.id)).not.toContain(approval.id);
  });

  it('says when an approval does not exist', async () => {
    const error = await rejection(store().decide('00000000-0000-4000-8000-000000000000', 'approve', 'a', 'b'));
    expect(error.code).toBe(RpcErrorCode.NotFound);
  });
});

describe('RateLimiter', () => {
  it('allows a burst up to capacity, then says when to retry, then refills', async () => {
    const limiter = new RateLimiter(pool);
    const spec = { capacity: 3, refillPerSecond: 5 };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.take('caller:a', spec));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterMs).toBeGreaterThan(0);
    expect(results[3]?.retryAfterMs).toBeLessThanOrEqual(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await limiter.take('caller:a', spec)).allowed).toBe(true);
    expect((await limiter.take('caller:b', spec)).allowed).toBe(true);
  });

  it('never overdraws under concurrency', async () => {
    const limiter = new RateLimiter(pool);
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.take('caller:burst', { capacity: 5, refillPerSecond: 0.001 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});

describe('SessionGuard', () => {
  it('suspends a session after N denials in a row until an operator resumes it', async () => {
    const sessions = new SessionGuard(pool, 3);
    await sessions.recordDenial('run-1', 'jarvis');
    await sessions.recordSuccess('run-1', 'jarvis');
    expect((await sessions.state('run-1')).consecutiveDenials).toBe(0);
    await sessions.recordDenial('run-1', 'jarvis');
    await sessions.recordDenial('run-1', 'jarvis');
    const third = await sessions.recordDenial('run-1', 'jarvis');
    expect(third).toMatchObject({ suspended: true, reason: '3 denied commands in a row' });
    expect((await sessions.state('run-1')).suspended).toBe(true);
    expect((await sessions.suspended()).map((s) => s.id)).toContain('run-1');
    expect(await sessions.resume('run-1', 'alice')).toBe(true);
    expect(await sessions.resume('run-1', 'alice')).toBe(false);
    expect(await sessions.state('run-1')).toEqual({ suspended: false, reason: null, consecutiveDenials: 0 });
  });
});
