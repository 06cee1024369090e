import { Logger } from '@nestjs/common';
import passport from 'passport';
import { OAuthStateError } from './oauth-state.js';
import { OidcLogin, OidcLoginError, type BeginLoginOptions, type OidcOptions, type OidcUser } from './oidc.js';

/** The parts of an incoming request the OIDC strategy reads (Fastify, Express and raw Node requests all fit). */
export interface OidcRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  session?: unknown;
  sessionID?: unknown;
}

export interface OidcStrategyOptions extends OidcOptions {
  /** Passport strategy name, default `oidc`. */
  name?: string;
  /**
   * The id of the (pre-login) session making the request. Default: `request.session.sessionId`
   * (@fastify/session) or `request.sessionID` (express-session). Without one the login is refused.
   */
  getSessionId?: (request: OidcRequest) => string | undefined;
}

export type OidcAuthenticateOptions = BeginLoginOptions;

function defaultSessionId(request: OidcRequest): string | undefined {
  const session = request.session;
  if (typeof session === 'object' && session !== null) {
    const id = (session as { sessionId?: unknown }).sessionId;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return typeof request.sessionID === 'string' && request.sessionID.length > 0 ? request.sessionID : undefined;
}

/** Query parameters of the request; only the query is used, never the Host header. */
function queryOf(request: OidcRequest): URLSearchParams {
  const path = request.originalUrl ?? request.url ?? '';
  const queryStart = path.indexOf('?');
  return new URLSearchParams(queryStart === -1 ? '' : path.slice(queryStart + 1));
}

function isCallback(query: URLSearchParams): boolean {
  return query.has('code') || query.has('error') || query.has('state');
}

const logger = new Logger('OidcStrategy');

/**
 * Passport strategy for OpenID Connect. A request without `code`/`error`/`state` starts a
 * login (redirect to the provider); the callback request finishes it and yields an
 * {@link OidcUser}. Refused logins `fail` with 401 and `{ message, code }`; outages `error`.
 */
export class OidcStrategy extends passport.Strategy {
  override name: string;
  private readonly getSessionId: (request: OidcRequest) => string | undefined;

  constructor(
    readonly login: OidcLogin,
    options: Pick<OidcStrategyOptions, 'name' | 'getSessionId'> = {},
  ) {
    super();
    this.name = options.name ?? 'oidc';
    this.getSessionId = options.getSessionId ?? defaultSessionId;
  }

  override authenticate(request: OidcRequest, options: OidcAuthenticateOptions = {}): void {
    this.handle(request, options).catch((error: unknown) => {
      // Only reachable when Passport's own success/redirect handling throws; the request is already answered.
      logger.error(`OIDC strategy: response handling failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    });
  }

  private async handle(request: OidcRequest, options: OidcAuthenticateOptions): Promise<void> {
    let result: { kind: 'success'; user: OidcUser } | { kind: 'redirect'; url: string };
    try {
      result = await this.decide(request, options);
    } catch (error: unknown) {
      if (error instanceof OAuthStateError || error instanceof OidcLoginError) {
        logger.warn(`OIDC login refused (${error.code}): ${error.message}`);
        this.fail({ message: error.message, code: error.code }, 401);
      } else {
        this.error(error);
      }
      return;
    }
    // Outside the try: an exception thrown by Passport's success/redirect must not turn into a second answer.
    if (result.kind === 'success') this.success(result.user);
    else this.redirect(result.url);
  }

  private async decide(
    request: OidcRequest,
    options: OidcAuthenticateOptions,
  ): Promise<{ kind: 'success'; user: OidcUser } | { kind: 'redirect'; url: string }> {
    const sessionId = this.getSessionId(request);
    const query = queryOf(request);
    if (isCallback(query)) {
      const { user } = await this.login.complete(sessionId, query);
      return { kind: 'success', user };
    }
    if (sessionId === undefined) {
      throw new Error('OIDC login requires a session: configure getSessionId or a session plugin');
    }
    const { url } = await this.login.begin(sessionId, options);
    return { kind: 'redirect', url };
  }
}

/** Discovers the provider and returns a Passport strategy for it. */
export async function createOidcStrategy(options: OidcStrategyOptions): Promise<OidcStrategy> {
  return new OidcStrategy(await OidcLogin.discover(options), options);
}
