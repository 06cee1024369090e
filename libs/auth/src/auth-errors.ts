import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** Stable codes of every refusal the login, session and user code produces (the API doc names them). */
export const AuthErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RouteNotConfigured: 'ROUTE_NOT_CONFIGURED',
  CsrfInvalid: 'CSRF_INVALID',
  OriginInvalid: 'ORIGIN_INVALID',
  JsonRequired: 'JSON_REQUIRED',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
  SetupDone: 'SETUP_DONE',
  SetupTokenInvalid: 'SETUP_TOKEN_INVALID',
  SetupNotConfigured: 'SETUP_NOT_CONFIGURED',
  WeakPassword: 'WEAK_PASSWORD',
  CurrentPasswordWrong: 'CURRENT_PASSWORD_WRONG',
  PasswordNotLocal: 'PASSWORD_NOT_LOCAL',
  UserNotFound: 'USER_NOT_FOUND',
  UsernameTaken: 'USERNAME_TAKEN',
  LastAdmin: 'LAST_ADMIN',
  CannotDeleteSelf: 'CANNOT_DELETE_SELF',
  InvalidInput: 'INVALID_INPUT',
  AuthUnavailable: 'AUTH_UNAVAILABLE',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** A refusal from the auth layer; the platform's HTTP filter maps its kind to the status. */
export class AuthError extends DomainError {
  constructor(kind: DomainErrorKind, code: AuthErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(kind, code, message, details, options);
  }
}

export const authErrors = {
  unauthenticated: (): AuthError =>
    new AuthError(DomainErrorKind.Unauthenticated, AuthErrorCode.Unauthenticated, 'Log in first (no valid session).'),
  forbidden: (): AuthError => new AuthError(DomainErrorKind.Forbidden, AuthErrorCode.Forbidden, 'Your role does not allow this.'),
  routeNotConfigured: (): AuthError =>
    new AuthError(DomainErrorKind.Forbidden, AuthErrorCode.RouteNotConfigured, 'Access to this route is not configured.'),
  csrfInvalid: (): AuthError =>
    new AuthError(
      DomainErrorKind.Forbidden,
      AuthErrorCode.CsrfInvalid,
      'Missing or invalid X-CSRF-Token header (take the token from GET /api/auth/status).',
    ),
  originInvalid: (): AuthError =>
    new AuthError(DomainErrorKind.Forbidden, AuthErrorCode.OriginInvalid, 'The Origin header must be the dashboard\'s own address.'),
  jsonRequired: (): AuthError =>
    new AuthError(DomainErrorKind.Invalid, AuthErrorCode.JsonRequired, 'Send the body as JSON (Content-Type: application/json).'),
  invalidCredentials: (): AuthError =>
    new AuthError(DomainErrorKind.Unauthenticated, AuthErrorCode.InvalidCredentials, 'Invalid username or password.'),
  tooManyAttempts: (retryAfterSeconds: number): AuthError =>
    new AuthError(DomainErrorKind.RateLimited, AuthErrorCode.TooManyAttempts, 'Too many attempts; try again later.', {
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    }),
  setupDone: (): AuthError =>
    new AuthError(DomainErrorKind.Conflict, AuthErrorCode.SetupDone, 'Setup is done: an account exists already. Log in instead.'),
  setupTokenInvalid: (): AuthError =>
    new AuthError(DomainErrorKind.Forbidden, AuthErrorCode.SetupTokenInvalid, 'The setup token is wrong.'),
  setupNotConfigured: (): AuthError =>
    new AuthError(
      DomainErrorKind.Forbidden,
      AuthErrorCode.SetupNotConfigured,
      'Setup is disabled: set DASHBOARD_SETUP_TOKEN (or DASHBOARD_ADMIN_PASSWORD) on the dashboard and restart it.',
    ),
  weakPassword: (message: string, rule: string): AuthError =>
    new AuthError(DomainErrorKind.Invalid, AuthErrorCode.WeakPassword, message, { rule }),
  currentPasswordWrong: (): AuthError =>
    new AuthError(DomainErrorKind.Invalid, AuthErrorCode.CurrentPasswordWrong, 'The current password is wrong.'),
  passwordNotLocal: (): AuthError =>
    new AuthError(DomainErrorKind.Invalid, AuthErrorCode.PasswordNotLocal, 'This account signs in through single sign-on and has no password here.'),
  userNotFound: (id: string): AuthError =>
    new AuthError(DomainErrorKind.NotFound, AuthErrorCode.UserNotFound, 'No such user.', { id }),
  usernameTaken: (username: string): AuthError =>
    new AuthError(DomainErrorKind.Conflict, AuthErrorCode.UsernameTaken, `The user name "${username}" is taken.`),
  lastAdmin: (): AuthError =>
    new AuthError(
      DomainErrorKind.Conflict,
      AuthErrorCode.LastAdmin,
      'This is the last active admin: make another admin first, or nobody could manage the dashboard.',
    ),
  cannotDeleteSelf: (): AuthError =>
    new AuthError(DomainErrorKind.Conflict, AuthErrorCode.CannotDeleteSelf, 'You cannot delete your own account.'),
  invalidInput: (message: string): AuthError => new AuthError(DomainErrorKind.Invalid, AuthErrorCode.InvalidInput, message),
  unavailable: (cause: unknown): AuthError =>
    new AuthError(DomainErrorKind.Unavailable, AuthErrorCode.AuthUnavailable, 'Accounts are unavailable (database unreachable); try again shortly.', undefined, {
      cause,
    }),
};
