import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPgRateLimitStore, requestProtocol } from '@homelab/auth';
import type { ServiceRuntime } from '@homelab/platform';
import type { DashboardConfig } from './dashboard-config.js';

/** HSTS for a year once a browser has reached the dashboard over HTTPS; never on plain HTTP. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Content Security Policy for the single-page UI built by Vite and served from this origin:
 * scripts, styles, images, fonts and API calls from here only, no inline script, never framed.
 * `upgrade-insecure-requests` is left out: many homelabs serve the dashboard over plain HTTP on
 * the LAN, where it would break every request.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/**
 * The security headers helmet would set, computed once: every directive is
 * static, so running helmet per request (as @fastify/helmet does, rebuilding
 * the CSP string each time) only costs time. The hook copies this set.
 */
export function staticSecurityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  })({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers);
}

/** Fastify constructor options: believe one reverse proxy hop when DASHBOARD_TRUST_PROXY is on. */
export function httpAdapterOptions(config: DashboardConfig): Pick<FastifyServerOptions, 'trustProxy'> {
  return { trustProxy: config.DASHBOARD_TRUST_PROXY ? (_address: string, hop: number) => hop < 1 : false };
}

function isHttps(request: FastifyRequest, trustProxy: boolean): boolean {
  const socket = request.raw.socket as { remoteAddress?: string; encrypted?: boolean };
  return requestProtocol({ headers: request.headers, socketAddress: socket.remoteAddress, encrypted: socket.encrypted === true }, trustProxy) === 'https';
}

/** Fastify plugins and hooks, registered before the server listens. */
export async function configureHttp(app: NestFastifyApplication, runtime: ServiceRuntime, config: DashboardConfig): Promise<void> {
  await app.register(fastifyCookie);
  const securityHeaders = staticSecurityHeaders();
  // login attempts are counted in PostgreSQL so every replica shares them (see LoginRateLimiter)
  await app.register(fastifyRateLimit, { global: false, store: createPgRateLimitStore(runtime.database.pool), skipOnError: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    void reply.headers(securityHeaders);
    if (isHttps(request, config.DASHBOARD_TRUST_PROXY)) void reply.header('strict-transport-security', HSTS);
    // answers about a logged-in user must not sit in shared or browser caches
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
