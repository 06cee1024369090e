import { Controller, Inject } from '@nestjs/common';
import { dashboardSessionRevoked } from '@homelab/contracts';
import { SessionManager } from '@homelab/auth';
import { EventHandler } from '@homelab/platform';

type Revocation = { sessionIds: string[]; userId?: string | undefined };

/** Every replica drops revoked sessions (and changed accounts) from its cache at once. */
@Controller()
export class SessionRevokedHandler {
  constructor(@Inject(SessionManager) private readonly sessions: SessionManager) {}

  @EventHandler(dashboardSessionRevoked, { everyReplica: true })
  revoked(event: Revocation): void {
    this.sessions.forget(event.sessionIds, event.userId);
  }
}
