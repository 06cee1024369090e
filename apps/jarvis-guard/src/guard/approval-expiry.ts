import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GuardService } from '@homelab/guard-control';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';

const SWEEP_MS = 5000;

/** Expires approvals past their deadline (each replica may sweep: expiry is one atomic UPDATE). */
@Injectable()
export class ApprovalExpiry implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GuardService) private readonly guard: GuardService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      const expired = await this.guard.expireApprovals();
      if (expired) this.logger.info({ expired }, 'Approvals expired');
    } catch (error) {
      this.logger.warn({ err: error }, 'Approval expiry sweep failed; will retry');
    }
  }
}
