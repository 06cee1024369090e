import {
  guardApprovalDecided,
  guardApprovalRequested,
  RpcError,
  RpcErrorCode,
  type EventContract,
  type GuardApproval,
  type GuardExecution,
  type PayloadOf,
} from '@homelab/contracts';
import { recordThenRun, type AuditAppender, type AuditRecordInput } from '@homelab/guard-audit';
import { CheckpointAlreadyRestoredError, CheckpointError, planExecution, type CommandExecutor, type ExecResult, type HostConfig } from '@homelab/guard-exec';
import type { ApprovalStore } from './approvals.js';
import type { BucketSpec, RateLimiter } from './rate-limiter.js';
import type { SessionGuard } from './sessions.js';

export type Decision = 'allow' | 'approval' | 'deny';

export interface Evaluation {
  decision: Decision;
  rule: string;
  reason: string;
  displayCommand: string;
  checkpoint: { paths: string[]; containers: string[] };
}

/** The policy, as the guard service needs it. */
export interface CommandJudge {
  evaluate(input: { command: string; host: string; role: string }): Evaluation;
}

export interface TargetHost {
  config: HostConfig;
  executor: CommandExecutor;
}

export interface Checkpointer {
  /** Snapshots what the command may touch; returns the checkpoint id. */
  take(input: { host: TargetHost; command: string; caller: string; paths: string[]; containers: string[] }): Promise<string>;
  /** Restores a checkpoint (once); returns what was restored and any difference left. */
  rollback(checkpointId: string): Promise<RollbackSummary>;
}

export interface RollbackSummary {
  checkpointId: string;
  host: string;
  restored: string[];
  differences: string[];
}

export interface EventPublisher {
  publish<C extends EventContract>(contract: C, payload: PayloadOf<C>, messageId: string): Promise<void>;
}

export interface GuardLimits {
  perCaller: BucketSpec;
  perSession: BucketSpec;
  defaultTimeoutMs: number;
  maxOutputBytes: number;
}

export interface CommandRequest {
  command: string;
  host: string;
  caller: { id: string; role: string; sessionId: string };
  traceId?: string | undefined;
}

export interface ExecuteRequest extends CommandRequest {
  dryRun: boolean;
  approvalId?: string | undefined;
  timeoutMs?: number | undefined;
}

export interface GuardServiceDeps {
  judge: CommandJudge;
  audit: AuditAppender;
  approvals: ApprovalStore;
  limiter: RateLimiter;
  sessions: SessionGuard;
  events: EventPublisher;
  checkpoints: Checkpointer;
  hosts: (name: string) => TargetHost | undefined;
  limits: GuardLimits;
}

/**
 * Everything a command goes through, in order: suspension, rate limits,
 * the policy, the audit record (written before anything runs — if it cannot
 * be written, nothing runs), approval, checkpoint, execution and its record.
 */
export class GuardService {
  constructor(private readonly deps: GuardServiceDeps) {}

  /** Judges without running; the evaluation is recorded. */
  async evaluate(request: CommandRequest): Promise<Evaluation> {
    const evaluation = this.deps.judge.evaluate({ command: request.command, host: request.host, role: request.caller.role });
    await this.deps.audit.append(this.record(request, 'evaluation', 'evaluated', evaluation));
    return evaluation;
  }

  async execute(request: ExecuteRequest): Promise<GuardExecution> {
    const { caller } = request;
    const session = await this.deps.sessions.state(caller.sessionId);
    if (session.suspended) {
      await this.deps.audit.append({ ...this.base(request), kind: 'suspension', action: 'refused', reason: session.reason ?? 'suspended' });
      return { status: 'suspended', reason: `Session ${caller.sessionId} is suspended (${session.reason ?? 'by an operator'}); an operator must resume it` };
    }
    const limited = await this.rateLimit(request);
    if (limited) return limited;

    const evaluation = this.deps.judge.evaluate({ command: request.command, host: request.host, role: caller.role });
    await this.deps.audit.append(this.record(request, 'evaluation', request.dryRun ? 'dry-run' : 'execute', evaluation));

    if (evaluation.decision === 'deny') {
      const state = await this.deps.sessions.recordDenial(caller.sessionId, caller.id);
      // the session was not suspended when this request arrived: this denial suspends it
      if (state.suspended) {
        await this.deps.audit.append({ ...this.base(request), kind: 'suspension', action: 'suspended', reason: state.reason ?? 'suspended' });
      }
      return { status: 'denied', evaluation };
    }

    const host = this.deps.hosts(request.host);
    if (!host) throw new RpcError(RpcErrorCode.BadRequest, `Unknown host ${request.host}`, 'guard.command.execute');

    if (request.dryRun) {
      const plan = planExecution({ host: host.config, command: request.command, checkpoint: evaluation.checkpoint, timeoutMs: request.timeoutMs ?? this.deps.limits.defaultTimeoutMs, maxOutputBytes: this.deps.limits.maxOutputBytes });
      return { status: 'dry_run', evaluation, plan: { host: plan.host, user: plan.user, command: plan.command, checkpoint: evaluation.checkpoint } };
    }

    let approval: GuardApproval | undefined;
    if (evaluation.decision === 'approval') {
      if (!request.approvalId) return this.requestApproval(request, evaluation);
      approval = await this.deps.approvals.use(request.approvalId, request.command, request.host, caller.id);
      await this.deps.audit.append({ ...this.record(request, 'approval', 'used', evaluation), approver: approval.decidedBy ?? undefined, details: { approvalId: approval.id } });
    }
    await this.deps.sessions.recordSuccess(caller.sessionId, caller.id);

    const needsCheckpoint = approval !== undefined && (evaluation.checkpoint.paths.length > 0 || evaluation.checkpoint.containers.length > 0);
    const checkpointId = needsCheckpoint
      ? await this.deps.checkpoints.take({ host, command: request.command, caller: caller.id, ...evaluation.checkpoint })
      : null;
    const timeoutMs = request.timeoutMs ?? this.deps.limits.defaultTimeoutMs;
    const started: AuditRecordInput = {
      ...this.record(request, 'execution', 'started', evaluation),
      details: { ...(approval ? { approvalId: approval.id } : {}), ...(checkpointId ? { checkpointId } : {}), timeoutMs },
    };
    // fail closed: the command runs only once its record is committed
    const result: ExecResult = await recordThenRun(this.deps.audit, started, () =>
      host.executor.run(request.command, { timeoutMs, maxOutputBytes: this.deps.limits.maxOutputBytes }),
    );
    await this.deps.audit.append({
      ...this.record(request, 'execution', 'finished', evaluation),
      exitCode: result.exitCode ?? -1,
      durationMs: Math.round(result.durationMs),
      outputSha256: result.outputSha256,
      details: { signal: result.signal, timedOut: result.timedOut, truncated: result.truncated, ...(checkpointId ? { checkpointId } : {}) },
    });
    return {
      status: 'executed',
      evaluation,
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: result.stdout,
      stderr: result.stderr,
      truncated: result.truncated,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      checkpointId,
    };
  }

  /** A human decision (HTTP or NATS); recorded and announced. */
  async decide(approvalId: string, decision: 'approve' | 'deny', approver: string, reason: string): Promise<GuardApproval> {
    const decided = await this.deps.approvals.decide(approvalId, decision, approver, reason);
    await this.deps.audit.append({
      kind: 'approval',
      action: decided.status,
      caller: decided.caller,
      sessionId: decided.sessionId,
      host: decided.host,
      command: decided.command,
      approver,
      reason,
      details: { approvalId },
    });
    await this.announce(decided);
    return decided;
  }

  /** Expires approvals past their deadline; each is recorded and announced. */
  async expireApprovals(): Promise<number> {
    const expired = await this.deps.approvals.expire();
    for (const approval of expired) {
      await this.deps.audit.append({ kind: 'approval', action: 'expired', caller: approval.caller, sessionId: approval.sessionId, host: approval.host, command: approval.command, details: { approvalId: approval.id } });
      await this.announce(approval);
    }
    return expired.length;
  }

  /** Operator action: puts back what an approved change touched; recorded before and after. */
  async rollback(checkpointId: string, operator: string): Promise<RollbackSummary> {
    const base: AuditRecordInput = { kind: 'rollback', caller: operator, approver: operator, details: { checkpointId } };
    const summary = await recordThenRun(this.deps.audit, { ...base, action: 'started' }, () =>
      this.deps.checkpoints.rollback(checkpointId).catch((error: unknown) => {
        throw checkpointFailure(error, checkpointId);
      }),
    );
    await this.deps.audit.append({
      ...base,
      action: 'finished',
      host: summary.host,
      details: { checkpointId, restored: summary.restored, differences: summary.differences },
    });
    return summary;
  }

  async resume(sessionId: string, operator: string): Promise<boolean> {
    const resumed = await this.deps.sessions.resume(sessionId, operator);
    if (resumed) await this.deps.audit.append({ kind: 'suspension', action: 'resumed', caller: operator, sessionId, approver: operator });
    return resumed;
  }

  private async requestApproval(request: ExecuteRequest, evaluation: Evaluation): Promise<GuardExecution> {
    const approval = await this.deps.approvals.create({
      command: request.command,
      displayCommand: evaluation.displayCommand,
      host: request.host,
      caller: request.caller.id,
      sessionId: request.caller.sessionId,
      rule: evaluation.rule,
      reason: evaluation.reason,
    });
    await this.deps.audit.append({ ...this.record(request, 'approval', 'requested', evaluation), details: { approvalId: approval.id, expiresAt: approval.expiresAt } });
    await this.deps.events.publish(guardApprovalRequested, approval, `${approval.id}:requested`);
    return { status: 'approval_required', evaluation, approvalId: approval.id, expiresAt: approval.expiresAt };
  }

  private async announce(approval: GuardApproval): Promise<void> {
    await this.deps.events.publish(guardApprovalDecided, approval, `${approval.id}:${approval.status}`);
  }

  private async rateLimit(request: ExecuteRequest): Promise<GuardExecution | undefined> {
    const { caller } = request;
    for (const [key, spec, what] of [
      [`caller:${caller.id}`, this.deps.limits.perCaller, `caller ${caller.id}`],
      [`session:${caller.sessionId}`, this.deps.limits.perSession, `session ${caller.sessionId}`],
    ] as const) {
      const taken = await this.deps.limiter.take(key, spec);
      if (!taken.allowed) {
        await this.deps.audit.append({ ...this.base(request), kind: 'evaluation', action: 'rate-limited', decision: 'deny', reason: `rate limit of ${what}` });
        return { status: 'rate_limited', reason: `Too many commands from ${what}; retry in ${Math.ceil(taken.retryAfterMs / 1000)} s`, retryAfterMs: taken.retryAfterMs };
      }
    }
    return undefined;
  }

  private base(request: CommandRequest): AuditRecordInput {
    return {
      kind: 'evaluation',
      caller: request.caller.id,
      sessionId: request.caller.sessionId,
      host: request.host,
      command: request.command,
      ...(request.traceId ? { traceId: request.traceId } : {}),
    };
  }

  private record(request: CommandRequest, kind: AuditRecordInput['kind'], action: string, evaluation: Evaluation): AuditRecordInput {
    return { ...this.base(request), kind, action, decision: evaluation.decision, rule: evaluation.rule, reason: evaluation.reason };
  }
}

/** Rollback failures the operator can act on keep their meaning across NATS and HTTP. */
function checkpointFailure(error: unknown, checkpointId: string): unknown {
  const subject = 'guard.checkpoint.rollback';
  if (error instanceof CheckpointAlreadyRestoredError) return new RpcError(RpcErrorCode.Rejected, `Checkpoint ${checkpointId} was already rolled back`, subject);
  if (error instanceof CheckpointError && error.code === 'NOT_FOUND') return new RpcError(RpcErrorCode.NotFound, `No checkpoint ${checkpointId}`, subject);
  if (error instanceof CheckpointError) return new RpcError(RpcErrorCode.Rejected, error.message, subject);
  return error;
}
