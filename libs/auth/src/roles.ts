/** Roles, least privileged first; each role includes everything before it. */
export const ROLES = ['viewer', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** What every authenticated principal looks like on `request.user`. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** Where the identity came from; ids are only unique within one provider. */
  provider: 'local' | 'oidc';
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when a principal holding `have` may do what requires `need` (admin ⊇ viewer). Unknown roles satisfy nothing. */
export function roleSatisfies(have: Role, need: Role): boolean {
  if (!isRole(have) || !isRole(need)) return false;
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
