import { Logger } from '@nestjs/common';
import { Strategy as PassportLocalStrategy } from 'passport-local';
import { getDummyPasswordHash, hashPassword, isVerifiableHash, needsRehash, verifyPassword } from './password.js';
import { isRole, type AuthUser, type Role } from './roles.js';

/** A local account as the application stores it. */
export interface LocalUserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
}

export type FindLocalUser = (username: string) => Promise<LocalUserRecord | null>;

export interface LocalStrategyOptions {
  /** Body field names, default `username` / `password`. */
  usernameField?: string;
  passwordField?: string;
  /** Passport strategy name, default `local`. */
  name?: string;
  /**
   * Called after a successful login whose stored hash uses weaker parameters than today's,
   * with a fresh hash to persist. Failures are logged and do not fail the login.
   */
  onPasswordRehash?: (user: AuthUser, newHash: string) => Promise<void>;
}

/** The single message for every failed login, so responses do not reveal which part was wrong. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid username or password';

/** Usernames are short; anything longer is treated as unknown without asking the database. */
const MAX_USERNAME_LENGTH = 256;

const logger = new Logger('LocalStrategy');

/**
 * Checks credentials; resolves the user or null. Exactly one Argon2 verification runs on
 * every path — unknown user, malformed stored hash, wrong or right password — so response
 * time does not reveal whether a username exists.
 */
export async function authenticateLocalUser(
  findUser: FindLocalUser,
  username: string,
  password: string,
  options: Pick<LocalStrategyOptions, 'onPasswordRehash'> = {},
): Promise<AuthUser | null> {
  const record = username.length <= MAX_USERNAME_LENGTH ? await findUser(username) : null;
  const usable = record !== null && isVerifiableHash(record.passwordHash);
  const passwordHash = usable ? record.passwordHash : await getDummyPasswordHash();
  const matches = await verifyPassword(password, passwordHash);
  if (!usable || !matches || !isRole(record.role)) return null;

  const user: AuthUser = { id: record.id, username: record.username, role: record.role, provider: 'local' };
  if (options.onPasswordRehash !== undefined && needsRehash(record.passwordHash)) {
    await upgradeHash(user, password, options.onPasswordRehash);
  }
  return user;
}

async function upgradeHash(
  user: AuthUser,
  password: string,
  persist: (user: AuthUser, newHash: string) => Promise<void>,
): Promise<void> {
  try {
    await persist(user, await hashPassword(password));
  } catch (error: unknown) {
    logger.warn(`Could not upgrade the password hash of user ${user.id}: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}

/**
 * passport-local strategy for the local admin login. `findUser` is looked up by the
 * submitted username; on success `request.user` becomes an {@link AuthUser} (never the hash).
 */
export function createLocalStrategy(findUser: FindLocalUser, options: LocalStrategyOptions = {}): PassportLocalStrategy {
  // Compute the dummy hash now, so the first unknown-username attempt is not the slow one.
  void getDummyPasswordHash().catch(() => undefined);
  const strategy = new PassportLocalStrategy(
    {
      usernameField: options.usernameField ?? 'username',
      passwordField: options.passwordField ?? 'password',
    },
    (username, password, done) => {
      authenticateLocalUser(findUser, username, password, options)
        .then(
          (user) => (user === null ? done(null, false, { message: INVALID_CREDENTIALS_MESSAGE }) : done(null, user)),
          (error: unknown) => done(error),
        )
        .catch((error: unknown) => {
          // Only reachable when Passport's own handling of the result throws; the request is already answered.
          logger.error(`Local login: response handling failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
    },
  );
  if (options.name !== undefined) strategy.name = options.name;
  return strategy;
}
