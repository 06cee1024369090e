import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  authenticateLocalUser,
  authErrors,
  checkPasswordStrength,
  hashPassword,
  secretsEqual,
  SessionManager,
  toPublicUser,
  UsersRepository,
  verifyPassword,
  type ActiveSession,
  type CreatedSession,
  type PublicUser,
  type UserRecord,
} from '@homelab/auth';
import { DomainError } from '@homelab/contracts';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { clientAddressOf } from './request-auth.js';
import { SessionRevocations } from './session-revocations.service.js';

export interface LoginResult {
  user: PublicUser;
  csrfToken: string;
  /** For the cookie. */
  token: string;
}

/** Throws WEAK_PASSWORD naming the broken rule. */
export function assertAcceptablePassword(password: string): void {
  const strength = checkPasswordStrength(password);
  if (!strength.ok) throw authErrors.weakPassword(strength.message, strength.rule);
}

/** Login, first-account setup, logout and password change. */
@Injectable()
export class AuthService {
  /** Accounts never go back to zero (the last admin cannot be deleted), so once seen this stays true. */
  private accountsExist = false;

  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionManager) private readonly sessions: SessionManager,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(LoginRateLimiter) private readonly limiter: LoginRateLimiter,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async setupRequired(): Promise<boolean> {
    if (this.accountsExist) return false;
    this.accountsExist = await this.guarded(() => this.users.hasAny());
    return !this.accountsExist;
  }

  async currentUser(session: ActiveSession): Promise<PublicUser | null> {
    const user = await this.guarded(() => this.users.get(session.user.id));
    return user === null ? null : toPublicUser(user);
  }

  async login(request: FastifyRequest, username: string, password: string, previous: ActiveSession | undefined): Promise<LoginResult> {
    await this.limiter.hit(request, [{ kind: 'address' }, { kind: 'username', username }]);
    const authenticated = await this.guarded(() =>
      authenticateLocalUser((name) => this.users.findLocalForLogin(name), username, password, {
        onPasswordRehash: (user, newHash) => this.users.setPasswordHash(user.id, newHash),
      }),
    );
    if (authenticated === null) {
      this.logger.info({ client: clientAddressOf(request, this.settings.trustProxy) }, 'Failed login');
      throw authErrors.invalidCredentials();
    }
    const record = await this.guarded(() => this.users.get(authenticated.id));
    if (record === null || record.disabled) throw authErrors.invalidCredentials();
    return this.startSession(request, record, previous);
  }

  async setup(request: FastifyRequest, body: { token: string; username: string; password: string }): Promise<LoginResult> {
    await this.limiter.hit(request, [{ kind: 'address' }, { kind: 'username', username: body.username }]);
    if (!(await this.setupRequired())) throw authErrors.setupDone();
    if (this.settings.setupToken === undefined) throw authErrors.setupNotConfigured();
    if (!secretsEqual(body.token, this.settings.setupToken)) throw authErrors.setupTokenInvalid();
    assertAcceptablePassword(body.password);
    const passwordHash = await hashPassword(body.password);
    const admin = await this.guarded(() => this.users.createFirstAdmin(body.username, passwordHash));
    if (admin === null) {
      this.accountsExist = true;
      throw authErrors.setupDone();
    }
    this.accountsExist = true;
    this.logger.info({ username: admin.username }, 'First admin account created through the setup page');
    return this.startSession(request, admin, undefined);
  }

  /** Starts a session for an authenticated account (also used by single sign-on). */
  async startSession(request: FastifyRequest, user: UserRecord, previous: ActiveSession | undefined): Promise<LoginResult> {
    // a login always gets a new session; the one the browser had (if any) ends
    if (previous !== undefined) await this.revocations.revoke([previous.id]);
    const created: CreatedSession = await this.guarded(() =>
      this.sessions.create(
        { id: user.id, username: user.username, displayName: user.displayName, role: user.role, provider: user.provider, disabled: user.disabled },
        { ip: clientAddressOf(request, this.settings.trustProxy), userAgent: request.headers['user-agent'] ?? null },
      ),
    );
    await this.users.recordLogin(user.id).catch((error: unknown) => this.logger.warn({ err: error }, 'Could not record the login time'));
    this.logger.info({ userId: user.id, provider: user.provider }, 'Logged in');
    return {
      user: toPublicUser({ ...user, lastLoginAt: new Date() }),
      csrfToken: this.sessions.csrfTokenFor(created.session),
      token: created.token,
    };
  }

  async logout(session: ActiveSession): Promise<void> {
    await this.guarded(() => this.revocations.revoke([session.id]));
  }

  /** Changes your own password after checking the current one; your other sessions end. */
  async changePassword(request: FastifyRequest, session: ActiveSession, currentPassword: string, newPassword: string): Promise<void> {
    await this.limiter.hit(request, [{ kind: 'address' }, { kind: 'account', userId: session.user.id }]);
    const user = await this.guarded(() => this.users.get(session.user.id));
    if (user === null) throw authErrors.unauthenticated();
    if (user.provider !== 'local' || user.passwordHash === null) throw authErrors.passwordNotLocal();
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw authErrors.currentPasswordWrong();
    assertAcceptablePassword(newPassword);
    await this.guarded(async () => this.users.setPasswordHash(user.id, await hashPassword(newPassword)));
    await this.revocations.revokeUser(user.id, session.id);
    this.logger.info({ userId: user.id }, 'Password changed; other sessions ended');
  }

  /** Database failures become 503 AUTH_UNAVAILABLE; refusals pass through. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw authErrors.unavailable(error);
    }
  }
}
