import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CsrfTokens, SessionManager, SessionsRepository, UsersRepository } from '@homelab/auth';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { AccountBootstrap } from './account-bootstrap.service.js';
import { AUTH_SETTINGS, readAuthSettings, type AuthSettings } from './auth-settings.js';
import { AuthController } from './auth.controller.js';
import { DashboardAuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { OidcLoginService } from './oidc-login.service.js';
import { OidcController } from './oidc.controller.js';
import { SessionRevocations } from './session-revocations.service.js';
import { SessionRevokedHandler } from './session-revoked.handler.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * Login (local and single sign-on), sessions, CSRF, login rate limits, users, and the global
 * guard every HTTP route of the dashboard passes.
 */
@Module({
  controllers: [AuthController, OidcController, UsersController, SessionRevokedHandler],
  providers: [
    // a bad auth configuration (weak admin password, half an OIDC setup) stops start-up here with a ConfigError
    { provide: AUTH_SETTINGS, inject: [DASHBOARD_CONFIG], useFactory: (config: DashboardConfig) => readAuthSettings(config) },
    { provide: UsersRepository, inject: [DASHBOARD_POOL], useFactory: (pool: Pool) => new UsersRepository(pool) },
    { provide: CsrfTokens, useValue: new CsrfTokens() },
    {
      provide: SessionManager,
      inject: [DASHBOARD_POOL, CsrfTokens, AUTH_SETTINGS, LOGGER],
      useFactory: (pool: Pool, csrf: CsrfTokens, settings: AuthSettings, logger: Logger) =>
        new SessionManager(new SessionsRepository(pool), csrf, {
          ttlMs: settings.sessionTtlMs,
          idleMs: settings.sessionIdleMs,
          onBackgroundError: (error, what) => logger.warn({ err: error }, `Session bookkeeping failed (${what})`),
        }),
    },
    SessionRevocations,
    LoginRateLimiter,
    AuthService,
    UsersService,
    OidcLoginService,
    AccountBootstrap,
    { provide: APP_GUARD, useClass: DashboardAuthGuard },
  ],
  exports: [SessionManager],
})
export class AuthModule {}
