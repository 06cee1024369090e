import { Inject, Injectable, type CanActivate, type ExecutionContext, HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Approvers } from '@homelab/guard-control';

export interface ApproverRequest extends FastifyRequest {
  approver?: string;
}

/** Only the people in GUARD_APPROVER_TOKENS; with none configured, nobody (fail closed). */
@Injectable()
export class ApproverGuard implements CanActivate {
  constructor(@Inject(Approvers) private readonly approvers: Approvers) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.approvers.enabled) {
      throw new HttpException('Approvals over HTTP are disabled: set GUARD_APPROVER_TOKENS', 503);
    }
    const request = context.switchToHttp().getRequest<ApproverRequest>();
    const approver = this.approvers.authenticate(request.headers.authorization);
    if (!approver) throw new HttpException('A valid approver token is required (Authorization: Bearer …)', 401);
    request.approver = approver;
    return true;
  }
}
