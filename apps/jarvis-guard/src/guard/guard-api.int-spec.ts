import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardApprovalDecide, guardCommandEvaluate, guardCommandExecute, RpcErrorCode } from '@homelab/contracts';
import { startService, type RunningService } from '@homelab/platform';
import { createTestDatabase, natsUrl, serviceTestEnv, uniqueSubjectPrefix, type TestDatabase } from '@homelab/testing';
import { runRollbackCli } from '../cli/rollback.js';
import { serviceSpec } from '../service.js';

// Real: the built policy, PostgreSQL, NATS + JetStream, the local executor,
// the HTTP approval API. Jarvis' side is the RpcClient over NATS.
const token = randomBytes(24).toString('hex');
const target = `/tmp/guard-api-${randomBytes(4).toString('hex')}`;
const tokenFile = `${target}.token`;
const caller = (sessionId: string) => ({ id: 'jarvis', role: 'operator', sessionId });

describe('jarvis-guard over NATS and HTTP', () => {
  const prefix = uniqueSubjectPrefix('guardapi');
  let db: TestDatabase;
  let guard: RunningService;

  beforeAll(async () => {
    db = await createTestDatabase('guard-api');
    const env = await serviceTestEnv({
      databaseUrl: db.url,
      natsUrl: natsUrl(),
      subjectPrefix: prefix,
      extra: { GUARD_APPROVER_TOKENS: `alice:${token}`, GUARD_MAX_CONSECUTIVE_DENIALS: '3', GUARD_SESSION_RATE_PER_MINUTE: '1000' },
    });
    guard = await startService(serviceSpec, env);
    for (let i = 0; i < 100 && (await fetch(`${guard.url}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    const jsm = await jetstreamManager(await guard.runtime.nats.connect()).catch(() => undefined);
    await jsm?.streams.delete(`${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}GUARD_APPROVALS`).catch(() => undefined);
    await guard?.close();
    await db?.drop();
    rmSync(target, { force: true });
    rmSync(tokenFile, { force: true });
  });

  const rpc = () => guard.runtime.rpc;
  const api = (path: string, init: RequestInit = {}, auth = token) =>
    fetch(`${guard.url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}`, ...init.headers } });

  it('evaluates with the default policy', async () => {
    expect(await rpc().request(guardCommandEvaluate, { command: 'uname -s', host: 'local', caller: caller('s1') })).toMatchObject({ decision: 'allow' });
    expect(await rpc().request(guardCommandEvaluate, { command: 'rm -rf /', host: 'local', caller: caller('s1') })).toMatchObject({
      decision: 'deny',
      rule: 'deny-recursive-delete-system',
    });
  });

  it('runs an allowed command locally', async () => {
    const result = await rpc().request(guardCommandExecute, { command: 'echo hello', host: 'local', caller: caller('s1') });
    expect(result).toMatchObject({ status: 'executed', exitCode: 0, stdout: 'hello\n' });
  });

  it('refuses an unknown host clearly', async () => {
    await expect(rpc().request(guardCommandExecute, { command: 'uname -s', host: 'nas', caller: caller('s1') })).rejects.toMatchObject({ code: RpcErrorCode.BadRequest });
  });

  it('needs a human for changes: dry-run shows the plan, HTTP approval lets it run once', async () => {
    const command = `touch ${target}`;
    const dry = await rpc().request(guardCommandExecute, { command, host: 'local', caller: caller('s2'), dryRun: true });
    expect(dry).toMatchObject({ status: 'dry_run', plan: { host: 'local', checkpoint: { paths: [target] } } });
    const asked = await rpc().request(guardCommandExecute, { command, host: 'local', caller: caller('s2') });
    if (asked.status !== 'approval_required') throw new Error(`expected approval_required, got ${asked.status}`);
    expect(existsSync(target)).toBe(false);

    expect((await api('/api/approvals', {}, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    const pending = (await (await api('/api/approvals')).json()) as { approvals: { id: string }[] };
    expect(pending.approvals.map((a) => a.id)).toContain(asked.approvalId);
    expect((await api(`/api/approvals/${asked.approvalId}/approve`, { method: 'POST', body: '{}' })).status).toBe(400);
    const approved = await api(`/api/approvals/${asked.approvalId}/approve`, { method: 'POST', body: JSON.stringify({ reason: 'expected' }) });
    expect(((await approved.json()) as { status: string; decidedBy: string })).toMatchObject({ status: 'approved', decidedBy: 'alice' });

    const ran = await rpc().request(guardCommandExecute, { command, host: 'local', caller: caller('s2'), approvalId: asked.approvalId });
    expect(ran).toMatchObject({ status: 'executed', exitCode: 0 });
    expect(existsSync(target)).toBe(true);
    await expect(rpc().request(guardCommandExecute, { command, host: 'local', caller: caller('s2'), approvalId: asked.approvalId })).rejects.toMatchObject({
      code: RpcErrorCode.Rejected,
    });

    // the file did not exist at the checkpoint: rolling back removes it, once
    if (ran.status !== 'executed' || !ran.checkpointId) throw new Error('expected a checkpoint');
    const out: string[] = [];
    const io = { stdin: process.stdin, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, cwd: '/' };
    writeFileSync(tokenFile, token);
    expect(await runRollbackCli([ran.checkpointId, '--url', guard.url, '--token-file', tokenFile], io, {})).toBe(0);
    expect(out.join('')).toContain(target);
    expect(existsSync(target)).toBe(false);
    expect((await api(`/api/checkpoints/${ran.checkpointId}/rollback`, { method: 'POST', body: '{}' })).status).toBe(409);
  });

  it('denies over NATS too, and a decided approval cannot be decided again', async () => {
    const asked = await rpc().request(guardCommandExecute, { command: 'systemctl restart nginx', host: 'local', caller: caller('s3') });
    if (asked.status !== 'approval_required') throw new Error('expected approval_required');
    const denied = await rpc().request(guardApprovalDecide, { approvalId: asked.approvalId, decision: 'deny', approver: 'bob', reason: 'not now' });
    expect(denied.status).toBe('denied');
    expect((await api(`/api/approvals/${asked.approvalId}/approve`, { method: 'POST', body: JSON.stringify({ reason: 'late' }) })).status).toBe(409);
  });

  it('suspends a session after repeated denials until an approver resumes it', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await rpc().request(guardCommandExecute, { command: 'cat /etc/shadow', host: 'local', caller: caller('s4') })).status).toBe('denied');
    }
    expect((await rpc().request(guardCommandExecute, { command: 'uname -s', host: 'local', caller: caller('s4') })).status).toBe('suspended');
    const suspended = (await (await api('/api/sessions/suspended')).json()) as { sessions: { id: string }[] };
    expect(suspended.sessions.map((s) => s.id)).toContain('s4');
    expect((await api('/api/sessions/s4/resume', { method: 'POST', body: '{}' })).status).toBe(201);
    expect((await rpc().request(guardCommandExecute, { command: 'uname -s', host: 'local', caller: caller('s4') })).status).toBe('executed');
  });
});
