import { describe, expect, it } from 'vitest';
import {
  guardApprovalDecide,
  guardCommandExecute,
  RpcError,
  RpcErrorCode,
  type GuardApproval,
  type GuardExecution,
  type ParsedResponseOf,
  type RequestOf,
  type RpcContract,
} from '@homelab/contracts';
import type { ToolContext, ToolProgress } from '../tools/jarvis-tool.js';
import { ApprovalWaiter } from './approval-waiter.js';
import { clip, createRunCommandTool, JARVIS_GUARD_ROLE, type GuardRpc } from './run-command.tool.js';

// The guard over NATS is exercised for real in the dashboard's safety test;
// here a typed stand-in answers guard.command.execute as the guard would.
type Execute = RequestOf<typeof guardCommandExecute>;

class GuardStandIn implements GuardRpc {
  readonly requests: Execute[] = [];
  constructor(private readonly answer: (request: Execute) => GuardExecution | Error) {}

  async request<C extends RpcContract>(contract: C, request: RequestOf<C>): Promise<ParsedResponseOf<C>> {
    if (contract.subject !== guardCommandExecute.subject) throw new Error(`unexpected ${contract.subject}`);
    const execute = request as Execute;
    this.requests.push(execute);
    const answer = this.answer(execute);
    if (answer instanceof Error) throw answer;
    return answer as ParsedResponseOf<C>;
  }
}

const evaluation = (decision: 'allow' | 'approval' | 'deny', rule = 'some-rule', reason = 'some reason') => ({
  decision,
  rule,
  reason,
  displayCommand: 'systemctl restart nginx',
  checkpoint: { paths: [], containers: [] },
});

const executed = (over: Partial<Extract<GuardExecution, { status: 'executed' }>> = {}): GuardExecution => ({
  status: 'executed',
  evaluation: evaluation('allow', 'allow-read-only-tools'),
  exitCode: 0,
  signal: null,
  stdout: 'ok\n',
  stderr: '',
  truncated: false,
  timedOut: false,
  durationMs: 12.4,
  checkpointId: null,
  ...over,
});

const approvalId = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const approvalRequired: GuardExecution = {
  status: 'approval_required',
  evaluation: evaluation('approval', 'approve-service-restart', 'restarts a service'),
  approvalId,
  expiresAt: '2026-12-01T00:15:00.000Z',
};

const decided = (status: GuardApproval['status'], decidedBy: string | null = 'carol', decisionReason: string | null = null): GuardApproval => ({
  id: approvalId,
  status,
  command: 'systemctl restart nginx',
  displayCommand: 'systemctl restart nginx',
  host: 'local',
  caller: 'jarvis:alice',
  sessionId: 'conv-1',
  rule: 'approve-service-restart',
  reason: 'restarts a service',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2026-12-01T00:15:00.000Z',
  decidedBy,
  decisionReason,
});

function context(over: Partial<ToolContext> = {}): ToolContext & { progressed: ToolProgress[] } {
  const progressed: ToolProgress[] = [];
  return {
    conversationId: 'conv-1',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    user: { id: 'u1', username: 'alice', role: 'admin' },
    dryRun: false,
    signal: new AbortController().signal,
    progress: (p) => progressed.push(p),
    progressed,
    ...over,
  };
}

const args = { host: 'local', command: 'systemctl restart nginx' };

describe('run_command', () => {
  it('asks the guard as jarvis:<user> with its own role, the conversation as session, and summarises the run', async () => {
    const guard = new GuardStandIn(() => executed({ exitCode: 3, stdout: 'x'.repeat(10_000), stderr: 'failed\n' }));
    const tool = createRunCommandTool({ rpc: guard, approvals: new ApprovalWaiter(), approvalWaitMs: 1000, outputChars: 400 });
    const result = await tool.run(args, context());
    expect(guard.requests).toEqual([{ ...args, caller: { id: 'jarvis:alice', role: JARVIS_GUARD_ROLE, sessionId: 'conv-1' }, dryRun: false }]);
    expect(result).toMatchObject({ ok: true, summary: 'exit 3 in 12 ms', content: { status: 'executed', exitCode: 3, stderr: 'failed\n', rule: 'allow-read-only-tools' } });
    const stdout = result.ok ? (result.content as { stdout: string }).stdout : '';
    expect(stdout.length).toBeLessThan(500);
    expect(stdout).toContain('[9600 characters cut]');
    expect(tool.readOnly).toBe(false);
  });

  it('sends dry runs as such and says nothing ran', async () => {
    const guard = new GuardStandIn(() => ({
      status: 'dry_run',
      evaluation: evaluation('approval', 'approve-service-restart', 'restarts a service'),
      plan: { host: 'local', user: 'root', command: args.command, checkpoint: { paths: [], containers: ['nginx'] } },
    }));
    const result = await createRunCommandTool({ rpc: guard, approvals: new ApprovalWaiter(), approvalWaitMs: 1000 }).run(args, context({ dryRun: true }));
    expect(guard.requests[0]?.dryRun).toBe(true);
    expect(result).toMatchObject({
      ok: true,
      summary: 'Dry run: nothing ran; it would need a human\'s approval, then run as root@local (rule approve-service-restart)',
      content: { status: 'dry_run', nothingRan: true, decision: 'approval' },
    });
  });

  it.each([
    [{ status: 'denied', evaluation: evaluation('deny', 'deny-recursive-delete-system', 'deletes system files') } as GuardExecution, 'COMMAND_DENIED', 'jarvis-guard denied the command (rule deny-recursive-delete-system): deletes system files'],
    [{ status: 'rate_limited', reason: 'Too many commands from session conv-1; retry in 20 s', retryAfterMs: 20_000 } as GuardExecution, 'RATE_LIMITED', 'jarvis-guard refused: Too many commands from session conv-1; retry in 20 s'],
    [{ status: 'suspended', reason: 'Session conv-1 is suspended (3 denials in a row); an operator must resume it' } as GuardExecution, 'SESSION_SUSPENDED', 'jarvis-guard refused: Session conv-1 is suspended (3 denials in a row); an operator must resume it'],
  ])('reports the guard\'s refusal as it was: %#', async (answer, code, message) => {
    const result = await createRunCommandTool({ rpc: new GuardStandIn(() => answer), approvals: new ApprovalWaiter(), approvalWaitMs: 1000 }).run(args, context());
    expect(result).toEqual({ ok: false, error: { code, message } });
  });

  it('waits for the human, then runs with the approval', async () => {
    const guard = new GuardStandIn((request) => (request.approvalId ? executed() : approvalRequired));
    const waiter = new ApprovalWaiter();
    const ctx = context();
    const running = createRunCommandTool({ rpc: guard, approvals: waiter, approvalWaitMs: 5000 }).run(args, ctx);
    await expect.poll(() => ctx.progressed.length).toBe(1);
    expect(ctx.progressed[0]).toMatchObject({
      kind: 'approval',
      message: 'Waiting for a human to approve (rule approve-service-restart: restarts a service)',
      data: { approval: { approvalId, host: 'local', rule: 'approve-service-restart', decision: 'pending', decidedBy: null, expiresAt: approvalRequired.status === 'approval_required' ? approvalRequired.expiresAt : '' } },
    });
    expect(waiter.waitingCount).toBe(1);
    waiter.decided(decided('approved'));
    expect(await running).toMatchObject({ ok: true, content: { status: 'executed' } });
    expect(ctx.progressed[1]).toMatchObject({ kind: 'approval_decided', data: { approval: { decision: 'approved', decidedBy: 'carol' } } });
    expect(guard.requests.map((r) => r.approvalId)).toEqual([undefined, approvalId]);
  });

  it('reports a denial with who denied it and why, and does not run it', async () => {
    const guard = new GuardStandIn(() => approvalRequired);
    const waiter = new ApprovalWaiter();
    waiter.decided(decided('denied', 'carol', 'not during the backup'));
    const result = await createRunCommandTool({ rpc: guard, approvals: waiter, approvalWaitMs: 5000 }).run(args, context());
    expect(result).toEqual({ ok: false, error: { code: 'APPROVAL_DENIED', message: 'carol denied the command: not during the backup; it did not run' } });
    expect(guard.requests).toHaveLength(1);
  });

  it('gives up after the approval wait, and on the guard\'s expiry', async () => {
    const guard = new GuardStandIn(() => approvalRequired);
    const waited = await createRunCommandTool({ rpc: guard, approvals: new ApprovalWaiter(), approvalWaitMs: 50 }).run(args, context());
    expect(waited).toMatchObject({ ok: false, error: { code: 'APPROVAL_EXPIRED' } });
    const waiter = new ApprovalWaiter();
    waiter.decided(decided('expired', null));
    const expired = await createRunCommandTool({ rpc: guard, approvals: waiter, approvalWaitMs: 5000 }).run(args, context());
    expect(expired).toMatchObject({ ok: false, error: { code: 'APPROVAL_EXPIRED', message: 'The approval expired before anyone decided; the command did not run' } });
  });

  it('stops waiting when the turn is stopped', async () => {
    const stop = new AbortController();
    const waiter = new ApprovalWaiter();
    const running = createRunCommandTool({ rpc: new GuardStandIn(() => approvalRequired), approvals: waiter, approvalWaitMs: 60_000 }).run(args, context({ signal: stop.signal }));
    await expect.poll(() => waiter.waitingCount).toBe(1);
    stop.abort();
    await expect(running).rejects.toThrow(/Stopped while waiting/);
    expect(waiter.waitingCount).toBe(0);
  });

  it('says when the guard cannot be asked or refuses the request', async () => {
    const offline = createRunCommandTool({ rpc: new GuardStandIn(() => new RpcError(RpcErrorCode.Unavailable, 'no responders', 'guard.command.execute')), approvals: new ApprovalWaiter(), approvalWaitMs: 1000 });
    await expect(offline.run(args, context())).rejects.toMatchObject({ code: 'GUARD_UNAVAILABLE', message: 'jarvis-guard could not be asked (no responders); the command did not run' });
    const unknownHost = createRunCommandTool({ rpc: new GuardStandIn(() => new RpcError(RpcErrorCode.BadRequest, 'Unknown host nas', 'guard.command.execute')), approvals: new ApprovalWaiter(), approvalWaitMs: 1000 });
    await expect(unknownHost.run({ host: 'nas', command: 'ls' }, context())).rejects.toMatchObject({ code: 'COMMAND_REJECTED', message: 'jarvis-guard refused the request: Unknown host nas' });
  });

  it('has a schema the model can read, and refuses what the guard would', () => {
    const tool = createRunCommandTool({ rpc: new GuardStandIn(() => executed()), approvals: new ApprovalWaiter(), approvalWaitMs: 1000 });
    expect(tool.parameters.safeParse({ host: 'local' }).success).toBe(false);
    expect(tool.parameters.safeParse({ host: 'local', command: 'ls', sudo: true }).success).toBe(false);
    expect(tool.parameters.safeParse({ host: 'local', command: 'x'.repeat(8193) }).success).toBe(false);
    expect(guardApprovalDecide.subject).toBe('guard.approval.decide');
  });
});

describe('clip', () => {
  it('keeps short text and the head and tail of long text', () => {
    expect(clip('short', 10)).toBe('short');
    const long = `${'a'.repeat(50)}${'z'.repeat(50)}`;
    const clipped = clip(long, 40);
    expect(clipped.startsWith('a'.repeat(10))).toBe(true);
    expect(clipped.endsWith('z'.repeat(30))).toBe(true);
    expect(clipped).toContain('[60 characters cut]');
  });
});
