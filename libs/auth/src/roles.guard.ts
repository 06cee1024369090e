import {
  ForbiddenException,
  Injectable,
  Logger,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { decideRoute, PUBLIC_METADATA_KEY, ROLES_METADATA_KEY, routePolicy } from './route-policy.js';
import { isRole, type Role } from './roles.js';

export { PUBLIC_METADATA_KEY, ROLES_METADATA_KEY } from './route-policy.js';

/**
 * Requires an authenticated user holding one of `roles` (or a stronger role).
 * On a method it overrides the controller's policy.
 */
export function Roles(...roles: [Role, ...Role[]]): CustomDecorator<string> {
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new TypeError(`@Roles(): expected one or more of admin | viewer, got ${JSON.stringify(roles)}`);
  }
  return SetMetadata(ROLES_METADATA_KEY, Object.freeze([...roles]));
}

/** Marks a route (or controller) as reachable without logging in. */
export function Public(): CustomDecorator<string> {
  return SetMetadata(PUBLIC_METADATA_KEY, true);
}

/**
 * Global guard enforcing {@link Roles} / {@link Public}. Fails closed:
 * - a route with neither decorator (on the method or its controller) is refused with 403;
 * - no `request.user` → 401; a user whose role is insufficient or malformed → 403.
 * `@Roles` beats `@Public` on the same level, and method metadata beats controller metadata.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly logger = new Logger(RolesGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    switch (decideRoute(routePolicy(this.reflector, context), readUser(context))) {
      case 'allowed':
        return true;
      case 'unconfigured':
        this.logger.warn(`Denied ${this.routeName(context)}: route has neither @Roles() nor @Public()`);
        throw new ForbiddenException('Access to this route is not configured');
      case 'unauthenticated':
        throw new UnauthorizedException('Authentication required');
      case 'forbidden':
        throw new ForbiddenException('Insufficient role');
    }
  }

  private routeName(context: ExecutionContext): string {
    return `${context.getClass().name}.${context.getHandler().name}`;
  }
}

/** `request.user` as set by Passport; only HTTP requests carry one. */
function readUser(context: ExecutionContext): { role?: unknown } | undefined {
  if (context.getType() !== 'http') return undefined;
  const request = context.switchToHttp().getRequest<{ user?: unknown } | undefined>();
  const user = request?.user;
  return typeof user === 'object' && user !== null ? (user as { role?: unknown }) : undefined;
}
