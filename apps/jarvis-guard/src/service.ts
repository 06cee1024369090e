import { jarvisGuardConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';
import { ApprovalExpiry } from './guard/approval-expiry.js';
import { ApprovalsController } from './guard/approvals.controller.js';
import { ApproverGuard } from './guard/approver.guard.js';
import { CommandHandler } from './guard/command.handler.js';
import { guardProviders } from './guard/guard.providers.js';
import { PingHandler } from './system/ping.handler.js';

export const serviceSpec = defineService({
  service: 'jarvis-guard',
  configSchema: jarvisGuardConfig,
  moduleUrl: import.meta.url,
  parts: (runtime, config) => ({
    controllers: [PingHandler, CommandHandler, ApprovalsController],
    providers: [...guardProviders(runtime, config), ApproverGuard, ApprovalExpiry],
  }),
});
