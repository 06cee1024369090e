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
import { isRole, roleSatisfies, type Role } from './roles.js';

export const ROLES_METADATA_KEY = 'homelab:auth:roles';
export const PUBLIC_METADATA_KEY = 'homelab:auth:public';

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

type Policy = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'none' };

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
    const policy = this.policyFor(context);
    if (policy.kind === 'public') return true;
    if (policy.kind === 'none') {
      this.logger.warn(`Denied ${this.routeName(context)}: route has neither @Roles() nor @Public()`);
      throw new ForbiddenException('Access to this route is not configured');
    }
    const user = readUser(context);
    if (user === undefined) throw new UnauthorizedException('Authentication required');
    const role = user.role;
    if (!isRole(role) || !policy.roles.some((need) => roleSatisfies(role, need))) {
      throw new ForbiddenException('Insufficient role');
    }
    return true;
  }

  private policyFor(context: ExecutionContext): Policy {
    for (const target of [context.getHandler(), context.getClass()]) {
      const roles = this.reflector.get<readonly Role[] | undefined>(ROLES_METADATA_KEY, target);
      if (roles !== undefined) return { kind: 'roles', roles };
      if (this.reflector.get<boolean | undefined>(PUBLIC_METADATA_KEY, target) === true) return { kind: 'public' };
    }
    return { kind: 'none' };
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
