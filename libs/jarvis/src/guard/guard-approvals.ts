import { DomainError, DomainErrorKind, guardApprovalDecide, RpcError, RpcErrorCode, type GuardApproval } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';
import { isRowId, type ConversationRepository } from '../conversation/conversation.repository.js';
import type { ApprovalWaiter } from './approval-waiter.js';
import type { GuardRpc } from './run-command.tool.js';

export class ApprovalNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'APPROVAL_NOT_FOUND', `jarvis-guard has no approval ${id}`, { approvalId: id });
  }
}

export class ApprovalAlreadyDecidedError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Conflict, 'APPROVAL_ALREADY_DECIDED', message, details);
  }
}

export class GuardUnavailableError extends DomainError {
  constructor(message: string) {
    super(DomainErrorKind.Unavailable, 'GUARD_UNAVAILABLE', message);
  }
}

/**
 * The dashboard as an approval channel: an admin's decision goes to the
 * guard (`guard.approval.decide`, approver = the admin's user name), and the
 * guard's answer wakes the waiting turn at once on this replica; other
 * replicas hear it through `guard.approval.decided`.
 */
export class GuardApprovals {
  constructor(
    private readonly rpc: GuardRpc,
    private readonly waiter: ApprovalWaiter,
    private readonly repository: ConversationRepository,
    private readonly logger: Logger,
  ) {}

  async decide(approvalId: string, decision: 'approve' | 'deny', approver: string, reason: string): Promise<GuardApproval> {
    if (!isRowId(approvalId)) throw new ApprovalNotFoundError(approvalId);
    let decided: GuardApproval;
    try {
      decided = await this.rpc.request(guardApprovalDecide, { approvalId, decision, approver, reason });
    } catch (error) {
      throw decisionFailure(error, approvalId);
    }
    await this.heard(decided);
    return decided;
  }

  /** A decision from the guard (its event, or its answer here): wake the turn, keep it on the tool call. */
  async heard(approval: GuardApproval): Promise<void> {
    this.waiter.decided(approval);
    const decision = approval.status === 'approved' ? 'approved' : approval.status === 'denied' ? 'denied' : approval.status === 'expired' ? 'expired' : undefined;
    if (!decision) return;
    try {
      await this.repository.recordApprovalDecision(approval.id, decision, approval.decidedBy);
    } catch (error) {
      this.logger.warn({ err: error, approvalId: approval.id }, 'Jarvis could not store an approval decision');
    }
  }
}

function decisionFailure(error: unknown, approvalId: string): Error {
  if (!(error instanceof RpcError)) return error instanceof Error ? error : new Error(String(error));
  switch (error.code) {
    case RpcErrorCode.NotFound:
      return new ApprovalNotFoundError(approvalId);
    case RpcErrorCode.Rejected:
      return new ApprovalAlreadyDecidedError(error.message, { approvalId });
    case RpcErrorCode.Unavailable:
    case RpcErrorCode.Timeout:
      return new GuardUnavailableError(`jarvis-guard could not be asked: ${error.message}`);
    default:
      return error;
  }
}
