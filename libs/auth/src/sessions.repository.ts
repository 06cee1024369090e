import type pg from 'pg';
import { isRole } from './roles.js';
import type { NewSession, SessionStore, StoredSession } from './session-store.js';
import type { UserProvider } from './user.js';

interface SessionRow {
  id: string;
  csrf_secret: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_id: string;
  username: string;
  display_name: string | null;
  role: string;
  provider: string;
  disabled: boolean;
}

/** `user_session` in SQL; every lookup is by primary key (the token's hash). */
export class SessionsRepository implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(session: NewSession): Promise<void> {
    await this.pool.query(
      `insert into user_session (id, user_id, csrf_secret, created_at, last_seen_at, expires_at, ip, user_agent)
       values ($1, $2, $3, $4, $4, $5, $6, $7)`,
      [session.id, session.userId, session.csrfSecret, session.createdAt, session.expiresAt, session.ip, session.userAgent],
    );
  }

  async find(id: string): Promise<StoredSession | null> {
    const result = await this.pool.query<SessionRow>(
      `select s.id, s.csrf_secret, s.created_at, s.last_seen_at, s.expires_at,
              u.id as user_id, u.username, u.display_name, u.role, u.provider, u.disabled
         from user_session s join app_user u on u.id = s.user_id
        where s.id = $1`,
      [id],
    );
    const row = result.rows[0];
    if (row === undefined || !isRole(row.role)) return null;
    return {
      id: row.id,
      csrfSecret: row.csrf_secret,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      user: {
        id: row.user_id,
        username: row.username,
        displayName: row.display_name,
        role: row.role,
        provider: row.provider as UserProvider,
        disabled: row.disabled,
      },
    };
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.pool.query('update user_session set last_seen_at = $2 where id = $1 and last_seen_at < $2', [id, at]);
  }

  async delete(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<{ id: string }>('delete from user_session where id = any($1::text[]) returning id', [ids]);
    return result.rows.map((row) => row.id);
  }

  async deleteForUser(userId: string, exceptId?: string): Promise<string[]> {
    const result = await this.pool.query<{ id: string }>(
      'delete from user_session where user_id = $1 and ($2::text is null or id <> $2) returning id',
      [userId, exceptId ?? null],
    );
    return result.rows.map((row) => row.id);
  }

  async purgeExpired(idleMs: number): Promise<number> {
    const result = await this.pool.query(
      `delete from user_session
        where expires_at <= now() or last_seen_at <= now() - make_interval(secs => $1::double precision / 1000)`,
      [idleMs],
    );
    return result.rowCount ?? 0;
  }
}
