import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { useSecureCookie, type CookieSecureMode } from '@homelab/auth';
import { GOOGLE_CONNECT_TTL_MS } from '@homelab/dashboard-google';
import { addressOf } from '../auth/request-auth.js';
import { GOOGLE_CALLBACK_PATH } from './google-settings.js';

/** Holds the pending connection (sealed) between the redirect to Google and its callback. */
export const GOOGLE_PENDING_COOKIE = 'homelab_google';

export interface CookiePolicy {
  cookieSecure: CookieSecureMode;
  trustProxy: boolean;
}

/**
 * SameSite=Lax, unlike the session cookie: Google's redirect back is a cross-site navigation,
 * on which browsers withhold Strict cookies. Sent only to the callback path.
 */
function options(request: FastifyRequest, policy: CookiePolicy): CookieSerializeOptions {
  return {
    httpOnly: true,
    secure: useSecureCookie(policy.cookieSecure, addressOf(request, policy.trustProxy)),
    sameSite: 'lax',
    path: GOOGLE_CALLBACK_PATH,
  };
}

export function setPendingCookie(request: FastifyRequest, reply: FastifyReply, policy: CookiePolicy, sealed: string): void {
  void reply.setCookie(GOOGLE_PENDING_COOKIE, sealed, { ...options(request, policy), maxAge: Math.floor(GOOGLE_CONNECT_TTL_MS / 1000) });
}

export function clearPendingCookie(request: FastifyRequest, reply: FastifyReply, policy: CookiePolicy): void {
  void reply.clearCookie(GOOGLE_PENDING_COOKIE, options(request, policy));
}

export function pendingCookieOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[GOOGLE_PENDING_COOKIE];
}
