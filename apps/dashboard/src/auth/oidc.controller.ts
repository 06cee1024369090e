import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@homelab/auth';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';
import { AuthService } from './auth.service.js';
import { OidcFailed, OidcLoginService } from './oidc-login.service.js';
import { sessionOf } from './request-auth.js';
import { callbackQuery, redirectUncached } from './redirect-flow.js';
import { OIDC_PRELOGIN_COOKIE, setSessionCookie } from './session-cookie.js';

/** Browser navigations, so every outcome is a redirect: to the provider, home, or the login page with an error code. */
@Controller('api/auth/oidc')
export class OidcController {
  constructor(
    @Inject(OidcLoginService) private readonly oidc: OidcLoginService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('login')
  @Public()
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      const { url, cookie } = await this.oidc.begin();
      OIDC_PRELOGIN_COOKIE.set(request, reply, this.settings, cookie);
      await redirectUncached(reply, url);
    } catch (error) {
      await this.fail(reply, error);
    }
  }

  @Get('callback')
  @Public()
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cookie = OIDC_PRELOGIN_COOKIE.read(request);
    OIDC_PRELOGIN_COOKIE.clear(request, reply, this.settings);
    try {
      const user = await this.oidc.complete(callbackQuery(request), cookie);
      const result = await this.auth.startSession(request, user, sessionOf(request));
      setSessionCookie(request, reply, this.settings, result.token);
      await redirectUncached(reply, '/');
    } catch (error) {
      await this.fail(reply, error);
    }
  }

  private async fail(reply: FastifyReply, error: unknown): Promise<void> {
    const failure = error instanceof OidcFailed ? error.failure : 'oidc_unavailable';
    const cause = error instanceof OidcFailed ? error.cause : error;
    this.logger.warn({ err: cause, failure }, 'Single sign-on failed');
    await redirectUncached(reply, `/login?error=${failure}`);
  }
}
