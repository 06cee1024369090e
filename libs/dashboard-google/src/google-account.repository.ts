import type pg from 'pg';
import { withTransaction } from '@homelab/database';

/** The `google_account` row: the one Google account of this installation. Secrets are DataCipher tokens, never plain. */
export interface GoogleAccountRecord {
  /** Changes on every connect, so work that began before a reconnect cannot write into the new connection. */
  generation: string;
  email: string | null;
  scopes: string[];
  refreshTokenSecret: string;
  accessTokenSecret: string | null;
  accessExpiresAt: Date | null;
  needsReconnect: boolean;
  lastError: string | null;
  connectedBy: string | null;
  connectedAt: Date;
  refreshedAt: Date | null;
}

export type NewGoogleAccount = Pick<
  GoogleAccountRecord,
  'generation' | 'email' | 'scopes' | 'refreshTokenSecret' | 'accessTokenSecret' | 'accessExpiresAt' | 'connectedBy'
>;

export interface RefreshedAccessToken {
  generation: string;
  accessTokenSecret: string;
  accessExpiresAt: Date;
  /** Only when Google rotated it; otherwise the stored one is kept. */
  refreshTokenSecret?: string | undefined;
}

interface Row {
  generation: string;
  email: string | null;
  scopes: string;
  refresh_token_secret: string;
  access_token_secret: string | null;
  access_expires_at: Date | null;
  needs_reconnect: boolean;
  last_error: string | null;
  connected_by: string | null;
  connected_at: Date;
  refreshed_at: Date | null;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

const COLUMNS =
  'generation, email, scopes, refresh_token_secret, access_token_secret, access_expires_at, needs_reconnect, last_error, connected_by, connected_at, refreshed_at';
/** The table holds at most one row; its key is always 1. */
const ACCOUNT_ID = 1;

function toRecord(row: Row): GoogleAccountRecord {
  return {
    generation: row.generation,
    email: row.email,
    scopes: row.scopes.split(' ').filter(Boolean),
    refreshTokenSecret: row.refresh_token_secret,
    accessTokenSecret: row.access_token_secret,
    accessExpiresAt: row.access_expires_at,
    needsReconnect: row.needs_reconnect,
    lastError: row.last_error,
    connectedBy: row.connected_by,
    connectedAt: row.connected_at,
    refreshedAt: row.refreshed_at,
  };
}

/** SQL for `google_account` (migration 20261203100000_google). */
export class GoogleAccountRepository {
  constructor(private readonly pool: pg.Pool) {}

  async get(queryable: Queryable = this.pool): Promise<GoogleAccountRecord | null> {
    const { rows } = await queryable.query<Row>(`SELECT ${COLUMNS} FROM google_account WHERE id = $1`, [ACCOUNT_ID]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  /**
   * Runs `work` in a transaction holding the account row's lock: replicas that want to refresh
   * the token queue here, and each finds the token the one before it stored.
   */
  async withLockedAccount<T>(work: (account: GoogleAccountRecord | null, client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM google_account WHERE id = $1 FOR UPDATE`, [ACCOUNT_ID]);
      return work(rows[0] === undefined ? null : toRecord(rows[0]), client);
    });
  }

  /** Stores a fresh connection, replacing any earlier one; returns the earlier one (to revoke its token). */
  async replace(account: NewGoogleAccount): Promise<GoogleAccountRecord | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM google_account WHERE id = $1 FOR UPDATE`, [ACCOUNT_ID]);
      await client.query(
        `INSERT INTO google_account (id, generation, email, scopes, refresh_token_secret, access_token_secret, access_expires_at, connected_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET
           generation = EXCLUDED.generation, email = EXCLUDED.email, scopes = EXCLUDED.scopes,
           refresh_token_secret = EXCLUDED.refresh_token_secret, access_token_secret = EXCLUDED.access_token_secret,
           access_expires_at = EXCLUDED.access_expires_at, connected_by = EXCLUDED.connected_by,
           needs_reconnect = false, last_error = NULL, connected_at = now(), refreshed_at = NULL, updated_at = now()`,
        [
          ACCOUNT_ID,
          account.generation,
          account.email,
          account.scopes.join(' '),
          account.refreshTokenSecret,
          account.accessTokenSecret,
          account.accessExpiresAt,
          account.connectedBy,
        ],
      );
      await client.query('COMMIT');
      return rows[0] === undefined ? null : toRecord(rows[0]);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Stores a refreshed access token — only into the same connection, and only when it expires
   * later than the stored one, so a slower replica never replaces a newer token with an older
   * one. The refresh token is kept unless Google sent a new one. True when it was stored.
   */
  async saveRefreshed(token: RefreshedAccessToken, queryable: Queryable = this.pool): Promise<boolean> {
    const result = await queryable.query(
      `UPDATE google_account
          SET access_token_secret = $3, access_expires_at = $4,
              refresh_token_secret = COALESCE($5, refresh_token_secret),
              refreshed_at = now(), updated_at = now(), last_error = NULL
        WHERE id = $1 AND generation = $2 AND NOT needs_reconnect
          AND (access_expires_at IS NULL OR access_expires_at < $4)`,
      [ACCOUNT_ID, token.generation, token.accessTokenSecret, token.accessExpiresAt, token.refreshTokenSecret ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Google refused the refresh token: reads stop until an admin connects again. The dead tokens are dropped. */
  async markNeedsReconnect(generation: string, reason: string, queryable: Queryable = this.pool): Promise<void> {
    await queryable.query(
      `UPDATE google_account
          SET needs_reconnect = true, last_error = $3, access_token_secret = NULL, access_expires_at = NULL, updated_at = now()
        WHERE id = $1 AND generation = $2`,
      [ACCOUNT_ID, generation, reason],
    );
  }

  /** Removes the account; returns what was removed (to revoke its token). */
  async delete(): Promise<GoogleAccountRecord | null> {
    const { rows } = await this.pool.query<Row>(`DELETE FROM google_account WHERE id = $1 RETURNING ${COLUMNS}`, [ACCOUNT_ID]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }
}
