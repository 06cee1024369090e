import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword, purgeRateLimitBuckets, SessionManager, UsersRepository } from '@homelab/auth';
import { LOGGER, ServiceRuntime } from '@homelab/platform';
import { retryForever } from '@homelab/resilience';
import type { Logger } from '@homelab/tracing';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Creates the first admin from DASHBOARD_ADMIN_PASSWORD once the database is migrated (and
 * only while no account exists), then sweeps expired sessions and finished rate-limit
 * windows now and then. Every replica may sweep: the deletes are idempotent.
 */
@Injectable()
export class AccountBootstrap implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private adminReady: boolean;

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionManager) private readonly sessions: SessionManager,
    @Inject(ServiceRuntime) private readonly runtime: ServiceRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.adminReady = settings.bootstrapAdmin === undefined;
  }

  onApplicationBootstrap(): void {
    // /health stays down until the configured admin exists, so nobody meets a login that cannot work yet
    this.runtime.health.register('accounts', () =>
      this.adminReady ? { status: 'up' } : { status: 'down', error: 'creating the admin account from DASHBOARD_ADMIN_PASSWORD' },
    );
    void this.createConfiguredAdmin();
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private async createConfiguredAdmin(): Promise<void> {
    const admin = this.settings.bootstrapAdmin;
    if (admin === undefined) return;
    try {
      const passwordHash = await hashPassword(admin.password);
      await this.runtime.database.start();
      const created = await retryForever('first admin account', () => this.users.createFirstAdmin(admin.username, passwordHash), {
        initialDelayMs: 250,
        maxDelayMs: 5000,
        signal: this.stopping.signal,
        onError: (error: unknown) => this.logger.warn({ err: error }, 'Could not check for the first account yet; retrying'),
      });
      if (created !== null) this.logger.info({ username: created.username }, 'Admin account created from DASHBOARD_ADMIN_PASSWORD');
      this.adminReady = true;
    } catch (error) {
      if (!this.stopping.signal.aborted) this.logger.error({ err: error }, 'Admin account not created');
    }
  }

  private async purge(): Promise<void> {
    try {
      const sessions = await this.sessions.purgeExpired();
      const buckets = await purgeRateLimitBuckets(this.runtime.database.pool);
      if (sessions + buckets > 0) this.logger.debug({ sessions, buckets }, 'Purged expired sessions and rate-limit windows');
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not purge expired sessions');
    }
  }
}
