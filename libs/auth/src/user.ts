import { z } from 'zod';
import type { Role } from './roles.js';

export type UserProvider = 'local' | 'oidc';

/** An account as stored in `app_user`. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  provider: UserProvider;
  passwordHash: string | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/** An account as the API shows it (never the hash). */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  provider: UserProvider;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    provider: user.provider,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt === null ? null : user.lastLoginAt.toISOString(),
  };
}

/** Local user names: what DASHBOARD_ADMIN_USERNAME accepts, so every name can be typed in a login form and a shell. */
export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'may hold letters, digits and . _ @ - only');

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
