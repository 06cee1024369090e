import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { clientAddress, requestProtocol, type ActiveSession, type AuthUser, type ProxiedRequest, type RequestAddress } from '@homelab/auth';

const sessions = new WeakMap<object, ActiveSession>();

/** Records the request's validated session, and `request.user` as RolesGuard-style code expects it. */
export function attachSession(request: FastifyRequest, session: ActiveSession): void {
  sessions.set(request, session);
  const user: AuthUser = { id: session.user.id, username: session.user.username, role: session.user.role, provider: session.user.provider };
  Object.assign(request, { user });
}

/** The session the guard validated for this request, if any. */
export function sessionOf(request: object): ActiveSession | undefined {
  return sessions.get(request);
}

/**
 * The logged-in user of an HTTP handler (`@CurrentUser() user: AuthUser`), e.g. to record who
 * did something. Undefined only on `@Public()` routes called anonymously.
 */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser | undefined => {
  const session = sessionOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (session === undefined) return undefined;
  return { id: session.user.id, username: session.user.username, role: session.user.role, provider: session.user.provider };
});

function proxied(request: FastifyRequest): ProxiedRequest {
  const socket = request.raw.socket as { remoteAddress?: string; encrypted?: boolean };
  return { headers: request.headers, socketAddress: socket.remoteAddress, encrypted: socket.encrypted === true };
}

/** Scheme and Host of the request (X-Forwarded-Proto only from a trusted proxy). */
export function addressOf(request: FastifyRequest, trustProxy: boolean): RequestAddress {
  return { protocol: requestProtocol(proxied(request), trustProxy), host: request.headers.host };
}

export function clientAddressOf(request: FastifyRequest, trustProxy: boolean): string {
  return clientAddress(proxied(request), trustProxy);
}
