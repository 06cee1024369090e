/** The parts of a request that say where it came from and which address it was sent to. */
export interface RequestAddress {
  /** `http` or `https`, as Fastify computed it (X-Forwarded-Proto only when the proxy is trusted). */
  protocol: string;
  /** The Host header. */
  host: string | undefined;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * The origins the dashboard answers as: DASHBOARD_PUBLIC_URL when set, and the address
 * the request was sent to (scheme + Host). A browser on another site sends its own Origin,
 * which matches neither.
 */
export function ownOrigins(request: RequestAddress, publicUrl: string | undefined): string[] {
  const origins: string[] = [];
  if (publicUrl !== undefined) {
    const configured = originOf(publicUrl);
    if (configured !== null) origins.push(configured);
  }
  if (request.host !== undefined && request.host.length > 0 && request.host.length <= 300) {
    const fromHost = originOf(`${request.protocol === 'https' ? 'https' : 'http'}://${request.host}`);
    if (fromHost !== null && !origins.includes(fromHost)) origins.push(fromHost);
  }
  return origins;
}

/** True when the Origin header names one of the dashboard's own origins (a missing or `null` Origin never does). */
export function isOwnOrigin(originHeader: string | undefined, request: RequestAddress, publicUrl: string | undefined): boolean {
  if (originHeader === undefined || originHeader === 'null') return false;
  const origin = originOf(originHeader);
  return origin !== null && ownOrigins(request, publicUrl).includes(origin);
}

export type CookieSecureMode = 'auto' | 'always' | 'never';

/**
 * Whether the session cookie gets `Secure`: `auto` on HTTPS requests and on loopback names,
 * which browsers treat as secure contexts (so the flag costs nothing there and keeps the
 * cookie off plain-HTTP elsewhere if the dashboard is later reached over HTTPS).
 */
export function useSecureCookie(mode: CookieSecureMode, request: RequestAddress): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (request.protocol === 'https') return true;
  return LOOPBACK_NAMES.has(hostnameOf(request.host));
}

function hostnameOf(host: string | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  const colon = host.indexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** The raw request facts the proxy-aware helpers read (a Fastify request fits). */
export interface ProxiedRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The TCP peer's address. */
  socketAddress: string | undefined;
  /** True when the connection itself is TLS. */
  encrypted: boolean;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's address. Behind a trusted reverse proxy (exactly one hop) it is the last
 * X-Forwarded-For entry — the one that proxy appended; earlier entries are whatever the
 * client sent and are ignored, so nobody can pick their own rate-limit key.
 */
export function clientAddress(request: ProxiedRequest, trustProxy: boolean): string {
  const peer = request.socketAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const joined = Array.isArray(header) ? header.join(',') : header;
  const last = joined?.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
  return last !== undefined && last.length <= 64 ? last : peer;
}

/** `https` or `http`: the connection's, or X-Forwarded-Proto's from a trusted proxy. */
export function requestProtocol(request: ProxiedRequest, trustProxy: boolean): 'http' | 'https' {
  if (trustProxy) {
    const forwarded = firstHeader(request.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') return forwarded;
  }
  return request.encrypted ? 'https' : 'http';
}
