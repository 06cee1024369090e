import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { useSecureCookie } from '@homelab/auth';
import type { AuthSettings } from './auth-settings.js';
import { addressOf } from './request-auth.js';

/** What decides a cookie's Secure flag (DASHBOARD_COOKIE_SECURE, DASHBOARD_TRUST_PROXY). */
export type CookiePolicy = Pick<AuthSettings, 'cookieSecure' | 'trustProxy'>;

/** HttpOnly, and Secure as the policy and the request's address decide. */
export function baseCookieOptions(request: FastifyRequest, policy: CookiePolicy): CookieSerializeOptions {
  return { httpOnly: true, secure: useSecureCookie(policy.cookieSecure, addressOf(request, policy.trustProxy)) };
}

/**
 * A sealed value held between a redirect to an identity provider (OIDC, Google) and its callback.
 * SameSite=Lax, unlike the session cookie: the provider's redirect back is a cross-site navigation,
 * on which browsers withhold Strict cookies. Sent only below `path` (the callback's).
 */
export class RedirectStateCookie {
  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly ttlMs: number,
  ) {}

  set(request: FastifyRequest, reply: FastifyReply, policy: CookiePolicy, sealed: string): void {
    void reply.setCookie(this.name, sealed, { ...this.options(request, policy), maxAge: Math.floor(this.ttlMs / 1000) });
  }

  clear(request: FastifyRequest, reply: FastifyReply, policy: CookiePolicy): void {
    void reply.clearCookie(this.name, this.options(request, policy));
  }

  read(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.name];
  }

  private options(request: FastifyRequest, policy: CookiePolicy): CookieSerializeOptions {
    return { ...baseCookieOptions(request, policy), sameSite: 'lax', path: this.path };
  }
}

/** The callback's query string exactly as the provider sent it (code, state, error…). */
export function callbackQuery(request: FastifyRequest): URLSearchParams {
  const start = request.url.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : request.url.slice(start + 1));
}

/** A browser navigation's outcome: a 302 that is never cached. */
export async function redirectUncached(reply: FastifyReply, location: string): Promise<void> {
  await reply.header('cache-control', 'no-store').redirect(location, 302);
}
