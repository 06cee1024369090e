import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { useSecureCookie } from '@homelab/auth';
import type { AuthSettings } from './auth-settings.js';
import { addressOf } from './request-auth.js';

export const SESSION_COOKIE = 'homelab_session';
/** Holds a pending single sign-on login between the redirect to the provider and its callback. */
export const OIDC_PRELOGIN_COOKIE = 'homelab_oidc';
const OIDC_COOKIE_PATH = '/api/auth/oidc';
export const OIDC_PRELOGIN_TTL_MS = 10 * 60 * 1000;

function baseOptions(request: FastifyRequest, settings: AuthSettings): CookieSerializeOptions {
  return { httpOnly: true, secure: useSecureCookie(settings.cookieSecure, addressOf(request, settings.trustProxy)) };
}

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure per DASHBOARD_COOKIE_SECURE, gone with the session's absolute lifetime. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    ...baseOptions(request, settings),
    sameSite: 'strict',
    path: '/',
    maxAge: Math.floor(settings.sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings): void {
  void reply.clearCookie(SESSION_COOKIE, { ...baseOptions(request, settings), sameSite: 'strict', path: '/' });
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE];
}

/**
 * The pre-login cookie is SameSite=Lax: the provider's redirect back is a cross-site
 * navigation, on which browsers withhold Strict cookies.
 */
export function setPreLoginCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings, sealed: string): void {
  void reply.setCookie(OIDC_PRELOGIN_COOKIE, sealed, {
    ...baseOptions(request, settings),
    sameSite: 'lax',
    path: OIDC_COOKIE_PATH,
    maxAge: Math.floor(OIDC_PRELOGIN_TTL_MS / 1000),
  });
}

export function clearPreLoginCookie(request: FastifyRequest, reply: FastifyReply, settings: AuthSettings): void {
  void reply.clearCookie(OIDC_PRELOGIN_COOKIE, { ...baseOptions(request, settings), sameSite: 'lax', path: OIDC_COOKIE_PATH });
}

export function preLoginCookieOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[OIDC_PRELOGIN_COOKIE];
}
