import type { Credentials, OAuth2Client } from 'google-auth-library';
import type pg from 'pg';
import { redactor } from '@homelab/secrets';
import type { Logger } from '@homelab/tracing';
import type { GoogleAccountRecord, GoogleAccountRepository } from './google-account.repository.js';
import { GoogleNotConnectedError, GoogleReconnectRequiredError } from './google-errors.js';
import { classifyGoogleError } from './google-failure.js';
import { createOAuthClient, type GoogleSettings } from './google-settings.js';
import type { GoogleTokenCipher } from './google-token-cipher.js';

export interface GoogleSessionOptions {
  settings: GoogleSettings;
  repository: GoogleAccountRepository;
  tokens: GoogleTokenCipher;
  logger: Logger;
}

/**
 * An authorized OAuth2Client for one connection (one `generation` of the account row).
 *
 * Refreshing, across replicas: the client refreshes on its own once the access token is
 * within its eager threshold of expiry, and every token it gets (its `tokens` event) is
 * stored encrypted — conditionally, so an older token never replaces a newer one and nothing
 * is written into a newer connection. Before a call, a token about to expire is refreshed
 * under the account row's lock: replicas queue there and each first takes the token the one
 * before it stored, so they do not all go to Google at once. A 401 gets one forced refresh
 * (same lock) and one retry.
 */
export class GoogleSession {
  readonly generation: string;
  readonly client: OAuth2Client;
  private refreshTokenSecret: string;
  private refreshing: Promise<void> | undefined;
  /** Set while this session refreshes under the row lock: its token must be stored in that transaction. */
  private lockedTransaction: pg.PoolClient | undefined;
  private pendingPersist: Promise<void> | undefined;

  /** Throws DecryptionError when the stored refresh token cannot be read. */
  constructor(account: GoogleAccountRecord, private readonly options: GoogleSessionOptions) {
    this.generation = account.generation;
    this.refreshTokenSecret = account.refreshTokenSecret;
    const refreshToken = options.tokens.open('refresh_token', account.refreshTokenSecret);
    redactor.register(refreshToken);
    this.client = createOAuthClient(options.settings);
    this.client.setCredentials({ refresh_token: refreshToken, token_type: 'Bearer' });
    this.adopt(account);
    this.client.on('tokens', (tokens: Credentials) => this.onTokens(tokens));
  }

  /** Takes the stored tokens when they are newer than this client's (another replica refreshed). */
  adopt(account: GoogleAccountRecord): void {
    if (account.generation !== this.generation) return;
    if (account.refreshTokenSecret !== this.refreshTokenSecret) {
      const refreshToken = this.options.tokens.open('refresh_token', account.refreshTokenSecret);
      this.refreshTokenSecret = account.refreshTokenSecret;
      this.client.setCredentials({ ...this.client.credentials, refresh_token: refreshToken });
    }
    const stored = account.accessExpiresAt?.getTime();
    const current = this.client.credentials.expiry_date ?? 0;
    if (account.accessTokenSecret === null || stored === undefined || stored <= current) return;
    let accessToken: string;
    try {
      accessToken = this.options.tokens.open('access_token', account.accessTokenSecret);
    } catch {
      return; // unreadable: the next call simply refreshes
    }
    this.client.setCredentials({ ...this.client.credentials, access_token: accessToken, expiry_date: stored, token_type: 'Bearer' });
  }

  /** Runs `work` with a fresh token; on a 401, refreshes once and retries once. */
  async call<T>(work: (auth: OAuth2Client) => Promise<T>): Promise<T> {
    if (this.expiring()) await this.refreshOnce(undefined);
    const used = this.client.credentials.access_token ?? undefined;
    try {
      return await work(this.client);
    } catch (error) {
      if (classifyGoogleError(error)?.kind !== 'unauthorized') throw error;
      await this.refreshOnce(used);
      return await work(this.client);
    }
  }

  close(): void {
    this.client.removeAllListeners('tokens');
  }

  /** The client's own test: no access token, or within its eager threshold of expiry. */
  private expiring(): boolean {
    const { access_token: accessToken, expiry_date: expiry } = this.client.credentials;
    return !accessToken || typeof expiry !== 'number' || expiry <= Date.now() + this.client.eagerRefreshThresholdMillis;
  }

  /** One refresh at a time in this process; callers arriving meanwhile wait for it. */
  private refreshOnce(rejected: string | undefined): Promise<void> {
    this.refreshing ??= this.lockedRefresh(rejected).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Under the row lock: take what the other replicas stored; refresh only if it is still
   * needed (still expiring, or still the token Google rejected). Failures are rethrown after
   * the transaction ends, so the lock is never held while the caller reacts to them.
   */
  private async lockedRefresh(rejected: string | undefined): Promise<void> {
    const failure = await this.options.repository.withLockedAccount(async (account, transaction): Promise<unknown> => {
      if (account === null || account.generation !== this.generation) return new GoogleNotConnectedError();
      if (account.needsReconnect) return new GoogleReconnectRequiredError(account.lastError ?? 'Google refused the refresh token');
      this.adopt(account);
      const current = this.client.credentials.access_token ?? undefined;
      const needed = rejected === undefined ? this.expiring() : current === rejected || this.expiring();
      if (!needed) return undefined;
      this.lockedTransaction = transaction;
      this.pendingPersist = undefined;
      try {
        if (rejected === undefined) await this.client.getAccessToken();
        else await this.client.refreshAccessToken();
        await this.pendingPersist;
        return undefined;
      } catch (error) {
        return error;
      } finally {
        this.lockedTransaction = undefined;
      }
    });
    if (failure !== undefined) throw failure;
  }

  private onTokens(tokens: Credentials): void {
    const transaction = this.lockedTransaction;
    const persist = this.persist(tokens, transaction);
    this.pendingPersist = persist;
    // outside the lock (the client refreshed by itself) nobody awaits it: report, do not crash
    if (transaction === undefined) persist.catch((error: unknown) => this.options.logger.warn({ err: redactor.redactError(error) }, 'Storing a refreshed Google token failed'));
    else persist.catch(() => undefined);
  }

  private async persist(tokens: Credentials, transaction: pg.PoolClient | undefined): Promise<void> {
    if (typeof tokens.access_token !== 'string' || typeof tokens.expiry_date !== 'number') return;
    const rotated = typeof tokens.refresh_token === 'string' && tokens.refresh_token.length > 0 ? tokens.refresh_token : undefined;
    if (rotated !== undefined) redactor.register(rotated);
    const refreshTokenSecret = rotated === undefined ? undefined : this.options.tokens.seal('refresh_token', rotated);
    await this.options.repository.saveRefreshed(
      {
        generation: this.generation,
        accessTokenSecret: this.options.tokens.seal('access_token', tokens.access_token),
        accessExpiresAt: new Date(tokens.expiry_date),
        refreshTokenSecret,
      },
      transaction,
    );
    if (refreshTokenSecret !== undefined) this.refreshTokenSecret = refreshTokenSecret;
  }
}
