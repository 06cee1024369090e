import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authErrors, Public, Roles, SessionManager } from '@homelab/auth';
import type { AuthStatus, SignedIn } from '@homelab/dashboard-api';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';
import { loginBody, parseBody, passwordBody, setupBody } from './auth.dto.js';
import { AuthService, type LoginResult } from './auth.service.js';
import { sessionOf } from './request-auth.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

export type { AuthStatus };

@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionManager) private readonly sessions: SessionManager,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  @Get('status')
  @Public()
  async status(@Req() request: FastifyRequest): Promise<AuthStatus> {
    const session = sessionOf(request);
    const user = session === undefined ? null : await this.auth.currentUser(session);
    return {
      setupRequired: await this.auth.setupRequired(),
      oidc: { enabled: this.settings.oidc !== undefined, label: this.settings.oidc?.label ?? null },
      user,
      csrfToken: session !== undefined && user !== null ? this.sessions.csrfTokenFor(session) : null,
    };
  }

  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SignedIn> {
    const result = await this.auth.setup(request, parseBody(setupBody, body));
    return this.answer(request, reply, result);
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  async login(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SignedIn> {
    const { username, password } = parseBody(loginBody, body);
    const result = await this.auth.login(request, username, password, sessionOf(request));
    return this.answer(request, reply, result);
  }

  @Post('logout')
  @Roles('viewer')
  @HttpCode(204)
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const session = sessionOf(request);
    if (session === undefined) throw authErrors.unauthenticated();
    await this.auth.logout(session);
    clearSessionCookie(request, reply, this.settings);
  }

  @Post('password')
  @Roles('viewer')
  @HttpCode(204)
  async password(@Req() request: FastifyRequest, @Body() body: unknown): Promise<void> {
    const session = sessionOf(request);
    if (session === undefined) throw authErrors.unauthenticated();
    const { currentPassword, newPassword } = parseBody(passwordBody, body);
    await this.auth.changePassword(request, session, currentPassword, newPassword);
  }

  private answer(request: FastifyRequest, reply: FastifyReply, result: LoginResult): SignedIn {
    setSessionCookie(request, reply, this.settings, result.token);
    return { user: result.user, csrfToken: result.csrfToken };
  }
}
