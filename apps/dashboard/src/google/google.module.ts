import { Inject, Injectable, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { deriveOAuthStateKey, UsersRepository } from '@homelab/auth';
import { GoogleService } from '@homelab/dashboard-google';
import { LOGGER, ServiceRuntime } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { GoogleController } from './google.controller.js';
import { GoogleJarvisTools } from './google-jarvis-tools.js';
import { readGoogleSettings } from './google-settings.js';

@Injectable()
class GoogleLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(GoogleService) private readonly google: GoogleService) {}

  beforeApplicationShutdown(): void {
    this.google.close();
  }
}

/**
 * Google Calendar, Gmail and Drive for the panel and Jarvis: one account per installation,
 * connected by an admin with OAuth (state + PKCE), tokens encrypted with runtime.cipher.
 * Half a client configuration stops start-up; none leaves the panel saying "not configured".
 */
@Module({
  controllers: [GoogleController],
  providers: [
    {
      provide: GoogleService,
      inject: [DASHBOARD_CONFIG, DASHBOARD_POOL, ServiceRuntime, LOGGER],
      useFactory: (config: DashboardConfig, pool: Pool, runtime: ServiceRuntime, logger: Logger) => {
        const settings = readGoogleSettings(config);
        return new GoogleService({
          settings,
          // domain-separated from the OIDC cookie's key, even if someone reused a secret
          stateKey: settings === undefined ? undefined : deriveOAuthStateKey(`google:${settings.clientSecret}`),
          pool,
          cipher: runtime.cipher,
          users: new UsersRepository(pool),
          logger: logger.child({ component: 'google' }),
        });
      },
    },
    GoogleJarvisTools,
    GoogleLifecycle,
  ],
  exports: [GoogleService],
})
export class GoogleModule {}
