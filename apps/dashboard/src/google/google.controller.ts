import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ownOrigins, Public, Roles, type AuthUser } from '@homelab/auth';
import type { CalendarEventList, DriveFileList, GmailSummary, GoogleStatus } from '@homelab/dashboard-api';
import { GoogleConnectError, GoogleService, type GoogleConnectFailure } from '@homelab/dashboard-google';
import { LOGGER } from '@homelab/platform';
import { redactor } from '@homelab/secrets';
import type { Logger } from '@homelab/tracing';
import { callbackQuery, redirectUncached, type CookiePolicy } from '../auth/redirect-flow.js';
import { addressOf, CurrentUser } from '../auth/request-auth.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { GOOGLE_PENDING_COOKIE } from './google-cookie.js';
import { googleRedirectUri } from './google-settings.js';

/**
 * docs/dashboard-api.md, "Google". Connecting is a pair of browser navigations, so its outcomes
 * are redirects (`/google` or `/google?error=<code>`); everything else answers JSON.
 */
@Controller('api/google')
export class GoogleController {
  private readonly cookiePolicy: CookiePolicy;

  constructor(
    @Inject(GoogleService) private readonly google: GoogleService,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.cookiePolicy = { cookieSecure: config.DASHBOARD_COOKIE_SECURE, trustProxy: config.DASHBOARD_TRUST_PROXY };
  }

  @Get()
  @Roles('viewer')
  status(): Promise<GoogleStatus> {
    return this.google.status();
  }

  @Get('connect')
  @Roles('admin')
  async connect(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser | undefined): Promise<void> {
    try {
      if (user === undefined) throw new GoogleConnectError('not_admin', 'No logged-in admin');
      const { url, cookie } = await this.google.beginConnect(user.id, this.redirectUri(request));
      GOOGLE_PENDING_COOKIE.set(request, reply, this.cookiePolicy, cookie);
      await redirectUncached(reply, url);
    } catch (error) {
      await this.fail(reply, error);
    }
  }

  /** Public: Google's redirect back is cross-site, so the SameSite=Strict session cookie is not sent; the sealed pending cookie identifies the admin. */
  @Get('callback')
  @Public()
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cookie = GOOGLE_PENDING_COOKIE.read(request);
    GOOGLE_PENDING_COOKIE.clear(request, reply, this.cookiePolicy);
    try {
      await this.google.completeConnect(callbackQuery(request), cookie);
      await redirectUncached(reply, '/google');
    } catch (error) {
      await this.fail(reply, error);
    }
  }

  @Post('disconnect')
  @Roles('admin')
  @HttpCode(204)
  async disconnect(): Promise<void> {
    await this.google.disconnect();
  }

  @Get('calendar')
  @Roles('viewer')
  calendar(@Query() query: unknown): Promise<CalendarEventList> {
    return this.google.calendar(this.google.calendarDays(query));
  }

  @Get('gmail')
  @Roles('viewer')
  gmail(): Promise<GmailSummary> {
    return this.google.gmail();
  }

  @Get('drive')
  @Roles('viewer')
  drive(): Promise<DriveFileList> {
    return this.google.drive();
  }

  private redirectUri(request: FastifyRequest): string {
    const origin = ownOrigins(addressOf(request, this.config.DASHBOARD_TRUST_PROXY), undefined)[0];
    if (origin === undefined && this.config.DASHBOARD_PUBLIC_URL === undefined) {
      throw new GoogleConnectError('google_unavailable', 'The request names no host to send Google back to; set DASHBOARD_PUBLIC_URL');
    }
    return googleRedirectUri(this.config.DASHBOARD_PUBLIC_URL, origin ?? '');
  }

  private async fail(reply: FastifyReply, error: unknown): Promise<void> {
    let failure: GoogleConnectFailure = 'google_unavailable';
    if (error instanceof GoogleConnectError) {
      failure = error.failure;
      this.logger.warn({ failure, reason: error.message }, 'Connecting the Google account failed');
    } else {
      this.logger.error({ err: redactor.redactError(error) }, 'Connecting the Google account failed unexpectedly');
    }
    await redirectUncached(reply, `/google?error=${failure}`);
  }
}
