import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  deriveOAuthStateKey,
  OAuthStateError,
  OidcLogin,
  OidcLoginError,
  SealedOAuthStateCookie,
  UsersRepository,
  type OidcUser,
  type UserRecord,
} from '@homelab/auth';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { AUTH_SETTINGS, type AuthSettings, type OidcSettings } from './auth-settings.js';
import { OIDC_PRELOGIN_TTL_MS } from './session-cookie.js';
import { SessionRevocations } from './session-revocations.service.js';

/** Why a single sign-on attempt ended on the login page (`/login?error=<code>`). */
export type OidcFailure = 'oidc_disabled' | 'oidc_unavailable' | 'oidc_refused' | 'account_disabled';

export class OidcFailed extends Error {
  constructor(readonly failure: OidcFailure, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Single sign-on with openid-client (via OidcLogin): discovery happens on first use and is
 * retried on the next attempt after a failure, so a provider that is down at start-up does
 * not stop the dashboard. Pending logins live in a sealed pre-login cookie.
 */
@Injectable()
export class OidcLoginService {
  private client: Promise<OidcLogin> | undefined;
  private readonly stateKey: Buffer | undefined;

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.stateKey = settings.oidc === undefined ? undefined : deriveOAuthStateKey(settings.oidc.clientSecret);
  }

  /** The provider URL to send the browser to, and the pre-login cookie to set. */
  async begin(): Promise<{ url: string; cookie: string }> {
    const { oidc, key } = this.enabled();
    const login = await this.discovered(oidc);
    const store = new SealedOAuthStateCookie({ key, ttlMs: OIDC_PRELOGIN_TTL_MS });
    const { url } = await login.begin(randomBytes(32).toString('base64url'), { stateStore: store });
    if (store.sealed === undefined) throw new Error('OIDC login state was not sealed');
    return { url, cookie: store.sealed };
  }

  /** Finishes a login from the callback's query and the pre-login cookie; returns the account to start a session for. */
  async complete(query: URLSearchParams, cookie: string | undefined): Promise<UserRecord> {
    const { oidc, key } = this.enabled();
    const login = await this.discovered(oidc);
    const store = new SealedOAuthStateCookie({ key, incoming: cookie, ttlMs: OIDC_PRELOGIN_TTL_MS });
    let user: OidcUser;
    try {
      ({ user } = await login.complete(store.incomingSessionId(), query, { stateStore: store }));
    } catch (error) {
      if (error instanceof OAuthStateError || error instanceof OidcLoginError) {
        throw new OidcFailed('oidc_refused', `Single sign-on refused (${error.code})`, { cause: error });
      }
      throw new OidcFailed('oidc_unavailable', 'Identity provider unavailable', { cause: error });
    }
    const { before, after } = await this.users.upsertOidc({
      issuer: user.issuer,
      subject: user.subject,
      username: user.username,
      displayName: user.name ?? null,
      role: user.role,
    });
    if (after.disabled) throw new OidcFailed('account_disabled', 'This account is disabled');
    if (before.role !== after.role) await this.revocations.accountChanged(after.id);
    return after;
  }

  private enabled(): { oidc: OidcSettings; key: Buffer } {
    if (this.settings.oidc === undefined || this.stateKey === undefined) throw new OidcFailed('oidc_disabled', 'Single sign-on is not configured');
    return { oidc: this.settings.oidc, key: this.stateKey };
  }

  private discovered(oidc: OidcSettings): Promise<OidcLogin> {
    this.client ??= OidcLogin.discover({
      issuerUrl: oidc.issuerUrl,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      redirectUri: oidc.redirectUri,
      adminGroups: oidc.adminGroups,
      roleClaim: oidc.roleClaim,
      allowInsecureHttpForTesting: oidc.allowInsecureHttp,
    }).catch((error: unknown) => {
      this.client = undefined;
      this.logger.warn({ err: error }, 'OIDC discovery failed; retrying on the next login');
      throw new OidcFailed('oidc_unavailable', 'Identity provider unavailable', { cause: error });
    });
    return this.client;
  }
}
