import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { authErrors, decideRoute, isOwnOrigin, routePolicy, SessionManager, type ActiveSession } from '@homelab/auth';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';
import { addressOf, attachSession } from './request-auth.js';
import { sessionTokenOf } from './session-cookie.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The dashboard's one global guard. For HTTP: resolves the session cookie into
 * `request.user`, demands the CSRF header on every unsafe request made with a session,
 * demands a same-origin JSON request on public unsafe routes (login CSRF), then enforces
 * `@Roles` / `@Public` failing closed. NATS handlers pass: NATS has its own credentials.
 */
@Injectable()
export class DashboardAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionManager) private readonly sessions: SessionManager,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const policy = routePolicy(this.reflector, context);
    if (policy.kind === 'none') {
      this.logger.warn({ route: `${context.getClass().name}.${context.getHandler().name}` }, 'Denied: route has neither @Roles() nor @Public()');
      throw authErrors.routeNotConfigured();
    }
    const session = await this.resolveSession(request);
    if (!SAFE_METHODS.has(request.method)) this.checkUnsafeRequest(request, session, policy.kind === 'public');
    switch (decideRoute(policy, session?.user)) {
      case 'allowed':
        return true;
      case 'unauthenticated':
        throw authErrors.unauthenticated();
      case 'forbidden':
        throw authErrors.forbidden();
      case 'unconfigured':
        throw authErrors.routeNotConfigured();
    }
  }

  private async resolveSession(request: FastifyRequest): Promise<ActiveSession | undefined> {
    const token = sessionTokenOf(request);
    if (token === undefined) return undefined;
    let session: ActiveSession | null;
    try {
      session = await this.sessions.validate(token);
    } catch (error) {
      throw authErrors.unavailable(error);
    }
    if (session === null) return undefined;
    attachSession(request, session);
    return session;
  }

  private checkUnsafeRequest(request: FastifyRequest, session: ActiveSession | undefined, isPublic: boolean): void {
    if (session !== undefined && !this.sessions.verifyCsrf(session, request.headers[CSRF_HEADER])) throw authErrors.csrfInvalid();
    if (!isPublic) return;
    if (!isOwnOrigin(request.headers.origin, addressOf(request, this.settings.trustProxy), this.settings.publicUrl)) {
      throw authErrors.originInvalid();
    }
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw authErrors.jsonRequired();
  }
}
