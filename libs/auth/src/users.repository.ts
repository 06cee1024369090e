import type pg from 'pg';
import { authErrors } from './auth-errors.js';
import type { LocalUserRecord } from './local-strategy.js';
import { isRole, type Role } from './roles.js';
import { UUID_PATTERN, type UserProvider, type UserRecord } from './user.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
  password_hash: string | null;
  role: string;
  provider: string;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

const COLUMNS = 'id, username, display_name, password_hash, role, provider, oidc_issuer, oidc_subject, disabled, created_at, last_login_at';

/**
 * Every change that could leave the dashboard without an admin, or create the first account,
 * runs under this transaction-scoped advisory lock: the count it checks cannot change before
 * it commits, so two concurrent requests cannot both pass the check.
 */
const ACCOUNTS_LOCK = `select pg_advisory_xact_lock(hashtext('homelab:dashboard:app_user'))`;

const UNIQUE_VIOLATION = '23505';

function toRecord(row: UserRow): UserRecord {
  // The table's CHECK constraints guarantee these; a row that breaks them is refused loudly.
  if (!isRole(row.role)) throw new Error(`app_user ${row.id} has an unknown role`);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    provider: row.provider as UserProvider,
    passwordHash: row.password_hash,
    oidcIssuer: row.oidc_issuer,
    oidcSubject: row.oidc_subject,
    disabled: row.disabled,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

export interface NewLocalUser {
  username: string;
  passwordHash: string;
  role: Role;
}

export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** Wanted user name; suffixed when another account holds it (never merged with it). */
  username: string;
  displayName: string | null;
  role: Role;
}

export interface UserUpdate {
  before: UserRecord;
  after: UserRecord;
}

/** `app_user` in SQL. Invariant kept here: while any account exists, at least one enabled admin exists. */
export class UsersRepository {
  constructor(private readonly pool: pg.Pool) {}

  async hasAny(): Promise<boolean> {
    const result = await this.pool.query<{ any: boolean }>('select exists (select 1 from app_user) as any');
    return result.rows[0]?.any === true;
  }

  async list(): Promise<UserRecord[]> {
    const result = await this.pool.query<UserRow>(`select ${COLUMNS} from app_user order by created_at, username`);
    return result.rows.map(toRecord);
  }

  async get(id: string): Promise<UserRecord | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const result = await this.pool.query<UserRow>(`select ${COLUMNS} from app_user where id = $1`, [id]);
    return result.rows[0] ? toRecord(result.rows[0]) : null;
  }

  /** The enabled local account `username`, as the password check needs it; disabled accounts are not found. */
  async findLocalForLogin(username: string): Promise<LocalUserRecord | null> {
    const result = await this.pool.query<UserRow>(
      `select ${COLUMNS} from app_user where username = $1 and provider = 'local' and not disabled`,
      [username],
    );
    const row = result.rows[0];
    if (row === undefined || row.password_hash === null || !isRole(row.role)) return null;
    return { id: row.id, username: row.username, passwordHash: row.password_hash, role: row.role };
  }

  /** Creates the first admin, or returns null when any account exists already (race-safe). */
  async createFirstAdmin(username: string, passwordHash: string): Promise<UserRecord | null> {
    return this.inAccountsLock(async (client) => {
      const exists = await client.query<{ any: boolean }>('select exists (select 1 from app_user) as any');
      if (exists.rows[0]?.any === true) return null;
      return this.insertLocal(client, { username, passwordHash, role: 'admin' });
    });
  }

  async createLocal(user: NewLocalUser): Promise<UserRecord> {
    return this.insertLocal(this.pool, user);
  }

  /** Applies `changes`; refuses (LAST_ADMIN) to demote or disable the last enabled admin. */
  async update(id: string, changes: UserChanges): Promise<UserUpdate> {
    if (!UUID_PATTERN.test(id)) throw authErrors.userNotFound(id);
    return this.inAccountsLock(async (client) => {
      const before = await this.lockedGet(client, id);
      const after = { role: changes.role ?? before.role, disabled: changes.disabled ?? before.disabled };
      if (isActiveAdmin(before) && !(after.role === 'admin' && !after.disabled)) await this.assertAnotherAdmin(client, id);
      const result = await client.query<UserRow>(
        `update app_user set role = $2, disabled = $3, password_hash = coalesce($4, password_hash), updated_at = now()
         where id = $1 returning ${COLUMNS}`,
        [id, after.role, after.disabled, changes.passwordHash ?? null],
      );
      return { before, after: toRecord(result.rows[0] as UserRow) };
    });
  }

  /** Deletes an account (its sessions go with it); refuses the last enabled admin. */
  async delete(id: string): Promise<UserRecord> {
    if (!UUID_PATTERN.test(id)) throw authErrors.userNotFound(id);
    return this.inAccountsLock(async (client) => {
      const before = await this.lockedGet(client, id);
      if (isActiveAdmin(before)) await this.assertAnotherAdmin(client, id);
      await client.query('delete from app_user where id = $1', [id]);
      return before;
    });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.pool.query('update app_user set password_hash = $2, updated_at = now() where id = $1', [id, passwordHash]);
  }

  async recordLogin(id: string): Promise<void> {
    await this.pool.query('update app_user set last_login_at = now() where id = $1', [id]);
  }

  /**
   * Finds the account of an OIDC identity by (issuer, subject) — never by name, so an identity
   * provider cannot take over a local account — creating it on first login and refreshing its
   * role and display name on every later one.
   */
  async upsertOidc(identity: OidcIdentity): Promise<UserUpdate> {
    return this.inAccountsLock(async (client) => {
      const found = await client.query<UserRow>(`select ${COLUMNS} from app_user where oidc_issuer = $1 and oidc_subject = $2`, [
        identity.issuer,
        identity.subject,
      ]);
      const existing = found.rows[0];
      if (existing !== undefined) {
        const before = toRecord(existing);
        // A demotion at the provider must not strand the dashboard without an admin either.
        const role = isActiveAdmin(before) && identity.role !== 'admin' && !(await this.hasAnotherAdmin(client, before.id)) ? 'admin' : identity.role;
        const updated = await client.query<UserRow>(
          `update app_user set role = $2, display_name = $3, updated_at = now() where id = $1 returning ${COLUMNS}`,
          [before.id, role, identity.displayName],
        );
        return { before, after: toRecord(updated.rows[0] as UserRow) };
      }
      const username = await this.freeUsername(client, identity);
      const inserted = await client.query<UserRow>(
        `insert into app_user (username, display_name, role, provider, oidc_issuer, oidc_subject)
         values ($1, $2, $3, 'oidc', $4, $5) returning ${COLUMNS}`,
        [username, identity.displayName, identity.role, identity.issuer, identity.subject],
      );
      const created = toRecord(inserted.rows[0] as UserRow);
      return { before: created, after: created };
    });
  }

  private async freeUsername(client: pg.PoolClient, identity: OidcIdentity): Promise<string> {
    const wanted = identity.username.slice(0, 200) || identity.subject.slice(0, 200);
    const taken = await client.query<{ taken: boolean }>('select exists (select 1 from app_user where username = $1) as taken', [wanted]);
    if (taken.rows[0]?.taken !== true) return wanted;
    const suffix = await client.query<{ suffix: string }>(`select left(md5($1), 8) as suffix`, [`${identity.issuer} ${identity.subject}`]);
    return `${wanted}~${suffix.rows[0]?.suffix ?? 'oidc'}`;
  }

  private async insertLocal(queryable: pg.Pool | pg.PoolClient, user: NewLocalUser): Promise<UserRecord> {
    try {
      const result = await queryable.query<UserRow>(
        `insert into app_user (username, password_hash, role, provider) values ($1, $2, $3, 'local') returning ${COLUMNS}`,
        [user.username, user.passwordHash, user.role],
      );
      return toRecord(result.rows[0] as UserRow);
    } catch (error) {
      if (isUniqueViolation(error)) throw authErrors.usernameTaken(user.username);
      throw error;
    }
  }

  private async lockedGet(client: pg.PoolClient, id: string): Promise<UserRecord> {
    const result = await client.query<UserRow>(`select ${COLUMNS} from app_user where id = $1`, [id]);
    if (result.rows[0] === undefined) throw authErrors.userNotFound(id);
    return toRecord(result.rows[0]);
  }

  private async hasAnotherAdmin(client: pg.PoolClient, id: string): Promise<boolean> {
    const result = await client.query<{ any: boolean }>(
      `select exists (select 1 from app_user where role = 'admin' and not disabled and id <> $1) as any`,
      [id],
    );
    return result.rows[0]?.any === true;
  }

  private async assertAnotherAdmin(client: pg.PoolClient, id: string): Promise<void> {
    if (!(await this.hasAnotherAdmin(client, id))) throw authErrors.lastAdmin();
  }

  private async inAccountsLock<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(ACCOUNTS_LOCK);
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function isActiveAdmin(user: UserRecord): boolean {
  return user.role === 'admin' && !user.disabled;
}
