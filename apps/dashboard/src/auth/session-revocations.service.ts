import { Inject, Injectable } from '@nestjs/common';
import { dashboardSessionRevoked } from '@homelab/contracts';
import { SessionManager } from '@homelab/auth';
import { LOGGER, RpcClient } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';

/** The event carries at most this many ids; longer lists go out in several events. */
const IDS_PER_EVENT = 500;

/**
 * Ends sessions and tells every replica (event `dashboard.session.revoked`), so none keeps
 * serving a revoked session from its cache. If NATS is down the event is lost, and the other
 * replicas notice within their few-second cache lifetime.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    @Inject(SessionManager) private readonly sessions: SessionManager,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async revoke(ids: readonly string[]): Promise<void> {
    const revoked = await this.sessions.revoke(ids);
    await this.broadcast(revoked);
  }

  /** Ends a user's sessions, except `exceptId` (the one changing its own password). */
  async revokeUser(userId: string, exceptId?: string): Promise<void> {
    const revoked = await this.sessions.revokeUser(userId, exceptId);
    await this.broadcast(revoked, userId);
  }

  /** The account changed (role, name): replicas re-read its sessions on their next request. */
  async accountChanged(userId: string): Promise<void> {
    this.sessions.forget([], userId);
    await this.broadcast([], userId);
  }

  private async broadcast(ids: readonly string[], userId?: string): Promise<void> {
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_EVENT) chunks.push(ids.slice(start, start + IDS_PER_EVENT));
    if (chunks.length === 0) chunks.push([]);
    for (const sessionIds of chunks) {
      try {
        await this.rpc.emit(dashboardSessionRevoked, userId === undefined ? { sessionIds } : { sessionIds, userId });
      } catch (error) {
        this.logger.warn({ err: error, sessions: sessionIds.length }, 'Session revocation not broadcast; other replicas drop it when their cache expires');
      }
    }
  }
}
