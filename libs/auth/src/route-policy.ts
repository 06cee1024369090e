import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { isRole, roleSatisfies, type Role } from './roles.js';

export const ROLES_METADATA_KEY = 'homelab:auth:roles';
export const PUBLIC_METADATA_KEY = 'homelab:auth:public';

/** What a route demands, read from its `@Roles()` / `@Public()` metadata. */
export type RoutePolicy = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'none' };

/** Why a principal may not use a route (or `allowed`). */
export type RouteDecision = 'allowed' | 'unconfigured' | 'unauthenticated' | 'forbidden';

/**
 * The policy of the handler `context` is about: method metadata beats controller metadata,
 * and `@Roles` beats `@Public` on the same level. A route with neither is `none` (refused).
 */
export function routePolicy(reflector: Reflector, context: ExecutionContext): RoutePolicy {
  for (const target of [context.getHandler(), context.getClass()]) {
    const roles = reflector.get<readonly Role[] | undefined>(ROLES_METADATA_KEY, target);
    if (roles !== undefined) return { kind: 'roles', roles };
    if (reflector.get<boolean | undefined>(PUBLIC_METADATA_KEY, target) === true) return { kind: 'public' };
  }
  return { kind: 'none' };
}

/** Fail-closed decision for a principal (anything with a `role`, or undefined when nobody is logged in). */
export function decideRoute(policy: RoutePolicy, user: { role?: unknown } | undefined): RouteDecision {
  if (policy.kind === 'public') return 'allowed';
  if (policy.kind === 'none') return 'unconfigured';
  if (user === undefined) return 'unauthenticated';
  const role = user.role;
  if (!isRole(role) || !policy.roles.some((need) => roleSatisfies(role, need))) return 'forbidden';
  return 'allowed';
}
