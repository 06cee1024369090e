import { Controller, Inject } from '@nestjs/common';
import {
  guardApprovalDecide,
  guardCommandEvaluate,
  guardCommandExecute,
  type GuardApproval,
  type GuardExecution,
  type ParsedRequestOf,
  type ResponseOf,
} from '@homelab/contracts';
import { GuardService } from '@homelab/guard-control';
import { RpcHandler } from '@homelab/platform';
import { activeTraceIds } from '@homelab/tracing';

/** The guard over NATS: judge, run (or dry-run) and decide approvals. */
@Controller()
export class CommandHandler {
  constructor(@Inject(GuardService) private readonly guard: GuardService) {}

  @RpcHandler(guardCommandEvaluate)
  evaluate(request: ParsedRequestOf<typeof guardCommandEvaluate>): Promise<ResponseOf<typeof guardCommandEvaluate>> {
    return this.guard.evaluate({ ...request, traceId: activeTraceIds()?.traceId });
  }

  @RpcHandler(guardCommandExecute)
  execute(request: ParsedRequestOf<typeof guardCommandExecute>): Promise<GuardExecution> {
    return this.guard.execute({ ...request, traceId: activeTraceIds()?.traceId });
  }

  @RpcHandler(guardApprovalDecide)
  decide(request: ParsedRequestOf<typeof guardApprovalDecide>): Promise<GuardApproval> {
    return this.guard.decide(request.approvalId, request.decision, request.approver, request.reason);
  }
}
