import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthSettings } from './auth-settings.js';
import { baseCookieOptions, RedirectStateCookie } from './redirect-flow.js';

export const SESSION_COOKIE = 'homelab_session';
export const OIDC_PRELOGIN_TTL_MS = 10 * 60 * 1000;

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure per DASHBOARD_COOKIE_SECURE, gone with the session's absolute lifetime. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    ...baseCookieOptions(request, settings),
    sameSite: 'strict',
    path: '/',
    maxAge: Math.floor(settings.sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings): void {
  void reply.clearCookie(SESSION_COOKIE, { ...baseCookieOptions(request, settings), sameSite: 'strict', path: '/' });
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE];
}

/** Holds a pending single sign-on login between the redirect to the provider and its callback. */
export const OIDC_PRELOGIN_COOKIE = new RedirectStateCookie('homelab_oidc', '/api/auth/oidc', OIDC_PRELOGIN_TTL_MS);
