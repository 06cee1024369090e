// docs/dashboard-api.md, "Auth and users".

/** Least privileged first: `admin` may do everything `viewer` may. */
export type Role = 'viewer' | 'admin';
export type UserProvider = 'local' | 'oidc';

/** An account as the API shows it (never a password hash). */
export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  provider: UserProvider;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/** `GET /api/auth/status` (public). */
export interface AuthStatus {
  setupRequired: boolean;
  oidc: { enabled: boolean; label: string | null };
  user: User | null;
  csrfToken: string | null;
}

/** The answer of `POST /api/auth/login` and `POST /api/auth/setup`. */
export interface SignedIn {
  user: User;
  csrfToken: string;
}

/** `POST /api/auth/setup`: the first account, with the one-time setup token. */
export interface SetupBody {
  token: string;
  username: string;
  password: string;
}

/** `POST /api/auth/login`. */
export interface LoginBody {
  username: string;
  password: string;
}

/** `POST /api/auth/password`. */
export interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
}

/** `GET /api/users`. */
export interface UserList {
  users: User[];
}

/** `POST /api/users`. */
export interface CreateUserBody {
  username: string;
  password: string;
  role: Role;
}

/** `PATCH /api/users/:id`: at least one field. */
export interface UpdateUserBody {
  role?: Role;
  disabled?: boolean;
  password?: string;
}
