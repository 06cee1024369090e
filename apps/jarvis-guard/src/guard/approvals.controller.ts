import { Body, Controller, Get, HttpException, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { describeIssues, type GuardApproval } from '@homelab/contracts';
import { ApprovalStore, GuardService, SessionGuard, type RollbackSummary } from '@homelab/guard-control';
import { ApproverGuard, type ApproverRequest } from './approver.guard.js';

const decisionBody = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(1000) }).strict();
const uuid = z.uuid();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpException(`${what}: ${describeIssues(result.error)}`, 400);
  return result.data;
}

/** The approvers' HTTP API: pending approvals, decisions with a reason, suspended sessions. */
@Controller('api')
@UseGuards(ApproverGuard)
export class ApprovalsController {
  constructor(
    @Inject(GuardService) private readonly guard: GuardService,
    @Inject(ApprovalStore) private readonly approvals: ApprovalStore,
    @Inject(SessionGuard) private readonly sessions: SessionGuard,
  ) {}

  @Get('approvals')
  async pending(): Promise<{ approvals: GuardApproval[] }> {
    return { approvals: await this.approvals.pending() };
  }

  @Post('approvals/:id/approve')
  approve(@Param('id') id: string, @Body() body: unknown, @Req() request: ApproverRequest): Promise<GuardApproval> {
    return this.decide(id, 'approve', body, request);
  }

  @Post('approvals/:id/deny')
  deny(@Param('id') id: string, @Body() body: unknown, @Req() request: ApproverRequest): Promise<GuardApproval> {
    return this.decide(id, 'deny', body, request);
  }

  /** Puts back what an approved change touched (files, containers); works once per checkpoint. */
  @Post('checkpoints/:id/rollback')
  rollback(@Param('id') id: string, @Req() request: ApproverRequest): Promise<RollbackSummary> {
    return this.guard.rollback(parse(uuid, id, 'checkpoint id'), request.approver ?? 'unknown');
  }

  @Get('sessions/suspended')
  async suspended() {
    return { sessions: await this.sessions.suspended() };
  }

  @Post('sessions/:id/resume')
  async resume(@Param('id') id: string, @Req() request: ApproverRequest): Promise<{ resumed: boolean }> {
    const resumed = await this.guard.resume(id, request.approver ?? 'unknown');
    if (!resumed) throw new HttpException(`Session ${id} is not suspended`, 409);
    return { resumed };
  }

  private decide(id: string, decision: 'approve' | 'deny', body: unknown, request: ApproverRequest): Promise<GuardApproval> {
    const approvalId = parse(uuid, id, 'approval id');
    const { reason } = parse(decisionBody, body, 'body');
    return this.guard.decide(approvalId, decision, request.approver ?? 'unknown', reason);
  }
}
