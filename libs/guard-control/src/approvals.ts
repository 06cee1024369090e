import type pg from 'pg';
import { RpcError, RpcErrorCode, type GuardApproval } from '@homelab/contracts';
import { approvalBinding } from './approval-binding.js';

export interface NewApproval {
  command: string;
  displayCommand: string;
  host: string;
  caller: string;
  sessionId: string;
  rule: string;
  reason: string;
}

interface ApprovalRow {
  id: string;
  status: GuardApproval['status'];
  command: string;
  host: string;
  caller: string;
  session_id: string;
  rule: string;
  reason: string;
  created_at: Date;
  expires_at: Date;
  decided_by: string | null;
  decision_reason: string | null;
}

const COLUMNS = 'id, status, command, host, caller, session_id, rule, reason, created_at, expires_at, decided_by, decision_reason';

/**
 * Human approvals for commands. Every state change is one conditional
 * UPDATE, so concurrent approvers, expiry and use cannot race: exactly one
 * decision wins, an approval expires at its deadline, and it is used at most
 * once, only for the exact command, host and caller it was given for.
 */
export class ApprovalStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs: number,
    private readonly display: (command: string) => string,
  ) {}

  async create(request: NewApproval): Promise<GuardApproval> {
    const result = await this.pool.query<ApprovalRow>(
      `insert into approval (expires_at, command, host, caller, session_id, binding, rule, reason)
       values (now() + make_interval(secs => $1::double precision / 1000), $2, $3, $4, $5, $6, $7, $8)
       returning ${COLUMNS}`,
      [this.ttlMs, request.command, request.host, request.caller, request.sessionId, approvalBinding(request.command, request.host, request.caller), request.rule, request.reason],
    );
    return this.toApproval(result.rows[0] as ApprovalRow);
  }

  /** Pending approvals that have not expired, oldest first. */
  async pending(): Promise<GuardApproval[]> {
    const result = await this.pool.query<ApprovalRow>(
      `select ${COLUMNS} from approval where status = 'pending' and expires_at > now() order by created_at limit 500`,
    );
    return result.rows.map((row) => this.toApproval(row));
  }

  async get(id: string): Promise<GuardApproval | undefined> {
    const result = await this.pool.query<ApprovalRow>(`select ${COLUMNS} from approval where id = $1`, [id]);
    return result.rows[0] ? this.toApproval(result.rows[0]) : undefined;
  }

  /** Approve or deny; only a pending, unexpired approval can be decided, and only once. */
  async decide(id: string, decision: 'approve' | 'deny', approver: string, reason: string): Promise<GuardApproval> {
    const result = await this.pool.query<ApprovalRow>(
      `update approval set status = $2, decided_by = $3, decided_at = now(), decision_reason = $4
       where id = $1 and status = 'pending' and expires_at > now()
       returning ${COLUMNS}`,
      [id, decision === 'approve' ? 'approved' : 'denied', approver, reason],
    );
    if (result.rows[0]) return this.toApproval(result.rows[0]);
    const current = await this.get(id);
    if (!current) throw new RpcError(RpcErrorCode.NotFound, `No approval ${id}`, 'guard.approval.decide');
    const state = current.status === 'pending' ? 'expired' : `already ${current.status}`;
    throw new RpcError(RpcErrorCode.Rejected, `Approval ${id} is ${state}`, 'guard.approval.decide', { status: current.status });
  }

  /**
   * Consumes an approval for a command about to run. Succeeds once, and only
   * when the approval was granted for exactly this command, host and caller
   * and has not expired.
   */
  async use(id: string, command: string, host: string, caller: string): Promise<GuardApproval> {
    const result = await this.pool.query<ApprovalRow>(
      `update approval set status = 'used', used_at = now()
       where id = $1 and status = 'approved' and binding = $2 and expires_at > now()
       returning ${COLUMNS}`,
      [id, approvalBinding(command, host, caller)],
    );
    if (result.rows[0]) return this.toApproval(result.rows[0]);
    const current = await this.get(id);
    const why = !current
      ? 'does not exist'
      : current.status !== 'approved'
        ? `is ${current.status === 'pending' ? 'still pending' : current.status}`
        : current.command !== command || current.host !== host || current.caller !== caller
          ? 'was granted for another command, host or caller'
          : 'has expired';
    throw new RpcError(RpcErrorCode.Rejected, `Approval ${id} ${why}`, 'guard.command.execute');
  }

  /** Marks pending approvals past their deadline as expired; returns them (for the decided event). */
  async expire(): Promise<GuardApproval[]> {
    const result = await this.pool.query<ApprovalRow>(
      `update approval set status = 'expired' where status = 'pending' and expires_at <= now() returning ${COLUMNS}`,
    );
    return result.rows.map((row) => this.toApproval(row));
  }

  private toApproval(row: ApprovalRow): GuardApproval {
    return {
      id: row.id,
      status: row.status,
      command: row.command,
      displayCommand: this.display(row.command),
      host: row.host,
      caller: row.caller,
      sessionId: row.session_id,
      rule: row.rule,
      reason: row.reason,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      decidedBy: row.decided_by,
      decisionReason: row.decision_reason,
    };
  }
}
