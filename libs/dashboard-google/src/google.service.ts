import type pg from 'pg';
import { DomainError } from '@homelab/contracts';
import type { CalendarEventList, DriveFileList, GmailSummary, GoogleStatus } from '@homelab/dashboard-api';
import { DecryptionError, type DataCipher } from '@homelab/secrets';
import type { Logger } from '@homelab/tracing';
import type { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import { GoogleAccountRepository, type GoogleAccountRecord } from './google-account.repository.js';
import { GoogleConnectFlow, type AdminLookup, type ConnectStart } from './google-connect.js';
import {
  GoogleConnectError,
  GoogleEncryptionKeysMissingError,
  GoogleNotConfiguredError,
  GoogleNotConnectedError,
  GoogleReconnectRequiredError,
  GoogleRequestInvalidError,
  GoogleScopeMissingError,
} from './google-errors.js';
import { classifyGoogleError, describeFailure, failureToDomainError } from './google-failure.js';
import { readCalendar, readDrive, readGmail } from './google-readers.js';
import { GOOGLE_API_SCOPES, type GoogleApiName } from './google-scopes.js';
import { GoogleSession } from './google-session.js';
import { createOAuthClient, DEFAULT_GOOGLE_CACHE_TTL_MS, DEFAULT_GOOGLE_TIMEOUT_MS, type GoogleSettings } from './google-settings.js';
import { GoogleTokenCipher } from './google-token-cipher.js';
import { ReadCache } from './read-cache.js';

export interface GoogleServiceOptions {
  /** Undefined when GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET are not set. */
  settings: GoogleSettings | undefined;
  /** Seals pending connections (derive it from a secret every replica shares); required with settings. */
  stateKey: Buffer | undefined;
  pool: pg.Pool;
  /** runtime.cipher: undefined without DATA_ENCRYPTION_KEYS. */
  cipher: DataCipher | undefined;
  users: AdminLookup;
  logger: Logger;
  now?: () => number;
}

/** For reads on someone's behalf (Jarvis): stop waiting when the caller gives up. */
export interface GoogleReadOptions {
  signal?: AbortSignal;
}

/** What Jarvis's tools need. */
export interface GoogleReads {
  calendar(days: number, options?: GoogleReadOptions): Promise<CalendarEventList>;
  gmail(options?: GoogleReadOptions): Promise<GmailSummary>;
  drive(options?: GoogleReadOptions): Promise<DriveFileList>;
}

export const DEFAULT_CALENDAR_DAYS = 7;
export const MAX_CALENDAR_DAYS = 31;

const calendarQuery = z.object({
  days: z.coerce.number().int().min(1).max(MAX_CALENDAR_DAYS).default(DEFAULT_CALENDAR_DAYS),
});

const KEYS_MISSING = 'DATA_ENCRYPTION_KEYS is not set: Google tokens are stored encrypted only, so connecting is disabled until it is set';
const UNDECRYPTABLE = 'the stored token cannot be decrypted (was DATA_ENCRYPTION_KEYS changed?)';

/** Stops the caller's wait, not the shared request (other callers may be waiting for it too). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  // the request goes on for the cache; its failure must not become an unhandled rejection
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The Google feature (docs/dashboard-api.md, "Google"): one account per installation,
 * connected by an admin, read by everyone with a role — and by Jarvis. Tokens are encrypted at
 * rest, refreshed before they expire, shared by all replicas through the database.
 */
export class GoogleService implements GoogleReads {
  private readonly repository: GoogleAccountRepository;
  private readonly tokens: GoogleTokenCipher | undefined;
  private readonly connectFlow: GoogleConnectFlow | undefined;
  private readonly cache: ReadCache;
  private readonly now: () => number;
  private session: GoogleSession | undefined;

  constructor(private readonly options: GoogleServiceOptions) {
    this.repository = new GoogleAccountRepository(options.pool);
    this.tokens = options.cipher === undefined ? undefined : new GoogleTokenCipher(options.cipher);
    this.now = options.now ?? Date.now;
    this.cache = new ReadCache(options.settings?.cacheTtlMs ?? DEFAULT_GOOGLE_CACHE_TTL_MS, this.now);
    if (options.settings !== undefined) {
      if (options.stateKey === undefined) throw new TypeError('GoogleService: stateKey is required when Google is configured');
      this.connectFlow = new GoogleConnectFlow({
        settings: options.settings,
        stateKey: options.stateKey,
        tokens: this.tokens,
        repository: this.repository,
        users: options.users,
        now: this.now,
      });
    }
  }

  get configured(): boolean {
    return this.options.settings !== undefined;
  }

  async status(): Promise<GoogleStatus> {
    if (!this.configured) return { configured: false, connected: false, needsReconnect: false, email: null, scopes: [], error: null };
    const account = await this.repository.get();
    return {
      configured: true,
      connected: account !== null,
      needsReconnect: account?.needsReconnect ?? false,
      email: account?.email ?? null,
      scopes: account?.scopes ?? [],
      error: this.problemOf(account),
    };
  }

  /** Google's consent URL and the sealed cookie binding the pending connection to `adminId`. Throws GoogleConnectError. */
  async beginConnect(adminId: string, redirectUri: string): Promise<ConnectStart> {
    if (this.connectFlow === undefined) throw new GoogleConnectError('not_configured', 'Google is not set up: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET');
    return this.connectFlow.begin(adminId, redirectUri);
  }

  /** Finishes a connection from Google's callback. Throws GoogleConnectError. */
  async completeConnect(query: URLSearchParams, cookie: string | undefined): Promise<GoogleStatus> {
    if (this.connectFlow === undefined) throw new GoogleConnectError('not_configured', 'Google is not set up');
    const { account, previous } = await this.connectFlow.complete(query, cookie);
    this.forgetConnection();
    this.options.logger.info({ email: account.email, scopes: account.scopes }, 'Google account connected');
    // the replaced connection's grant would otherwise stay valid at Google
    if (previous !== null && !this.sameRefreshToken(previous, account)) void this.revoke(previous, 'replaced');
    return this.status();
  }

  /** Revokes the grant at Google (best effort: a Google that cannot be reached does not keep the token here) and deletes it. */
  async disconnect(): Promise<void> {
    const account = await this.repository.get();
    if (account === null) return;
    await this.revoke(account, 'disconnected');
    await this.repository.delete();
    this.forgetConnection();
    this.options.logger.info('Google account disconnected');
  }

  /** Parses `?days=` of `GET /api/google/calendar` (1-31, default 7). */
  calendarDays(query: unknown): number {
    const parsed = calendarQuery.safeParse(query ?? {});
    if (!parsed.success) throw new GoogleRequestInvalidError(`days: must be a whole number from 1 to ${MAX_CALENDAR_DAYS}`);
    return parsed.data.days;
  }

  async calendar(days: number, options: GoogleReadOptions = {}): Promise<CalendarEventList> {
    const settings = this.requireSettings();
    const span = this.calendarDays({ days });
    const events = await this.read('calendar', `calendar:${span}`, (auth) => readCalendar(settings, auth, span, this.now()), options);
    return { events };
  }

  gmail(options: GoogleReadOptions = {}): Promise<GmailSummary> {
    const settings = this.requireSettings();
    return this.read('gmail', 'gmail', (auth) => readGmail(settings, auth), options);
  }

  async drive(options: GoogleReadOptions = {}): Promise<DriveFileList> {
    const settings = this.requireSettings();
    const files = await this.read('drive', 'drive', (auth) => readDrive(settings, auth), options);
    return { files };
  }

  close(): void {
    this.forgetConnection();
  }

  private problemOf(account: GoogleAccountRecord | null): string | null {
    if (this.tokens === undefined) return KEYS_MISSING;
    if (account === null) return null;
    if (account.needsReconnect) return account.lastError ?? 'Google refused the stored token: connect again';
    const missing = (Object.keys(GOOGLE_API_SCOPES) as GoogleApiName[]).filter((api) => !account.scopes.includes(GOOGLE_API_SCOPES[api]));
    return missing.length === 0 ? null : `Google did not grant access to ${missing.join(', ')}: connect again and allow it on the consent page`;
  }

  private requireSettings(): GoogleSettings {
    if (this.options.settings === undefined) throw new GoogleNotConfiguredError();
    return this.options.settings;
  }

  private async read<T>(api: GoogleApiName, key: string, work: (auth: OAuth2Client) => Promise<T>, options: GoogleReadOptions): Promise<T> {
    if (this.tokens === undefined) throw new GoogleEncryptionKeysMissingError();
    const account = await this.repository.get();
    if (account === null) throw new GoogleNotConnectedError();
    if (account.needsReconnect) throw new GoogleReconnectRequiredError(account.lastError ?? 'Google refused the stored token');
    if (!account.scopes.includes(GOOGLE_API_SCOPES[api])) throw new GoogleScopeMissingError(api, GOOGLE_API_SCOPES[api]);
    options.signal?.throwIfAborted();
    const loading = this.cache.get(`${account.generation}:${key}`, () => this.callGoogle(api, account, work));
    return abortable(loading, options.signal);
  }

  private async callGoogle<T>(api: GoogleApiName, account: GoogleAccountRecord, work: (auth: OAuth2Client) => Promise<T>): Promise<T> {
    try {
      return await this.sessionFor(account).call(work);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof DecryptionError) throw await this.needsReconnect(account, UNDECRYPTABLE);
      const failure = classifyGoogleError(error);
      if (failure === undefined) throw error;
      if (failure.kind === 'invalid_grant') throw await this.needsReconnect(account, `Google refused the refresh token (${failure.message}): connect again`);
      this.options.logger.warn({ api, failure: describeFailure(failure) }, 'Reading from Google failed');
      throw failureToDomainError(failure, this.options.settings?.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS);
    }
  }

  private sessionFor(account: GoogleAccountRecord): GoogleSession {
    if (this.session?.generation === account.generation) {
      this.session.adopt(account);
      return this.session;
    }
    this.session?.close();
    this.session = undefined;
    this.session = new GoogleSession(account, {
      settings: this.requireSettings(),
      repository: this.repository,
      tokens: this.tokens as GoogleTokenCipher,
      logger: this.options.logger,
    });
    return this.session;
  }

  private async needsReconnect(account: GoogleAccountRecord, reason: string): Promise<GoogleReconnectRequiredError> {
    await this.repository.markNeedsReconnect(account.generation, reason);
    this.forgetConnection();
    this.options.logger.warn({ reason }, 'Google account needs to be connected again');
    return new GoogleReconnectRequiredError(reason);
  }

  private forgetConnection(): void {
    this.cache.clear();
    this.session?.close();
    this.session = undefined;
  }

  private sameRefreshToken(a: GoogleAccountRecord, b: GoogleAccountRecord): boolean {
    try {
      return this.tokens?.open('refresh_token', a.refreshTokenSecret) === this.tokens?.open('refresh_token', b.refreshTokenSecret);
    } catch {
      return false;
    }
  }

  /** Revokes the connection's grant at Google; failures are logged, never thrown. */
  private async revoke(account: GoogleAccountRecord, why: string): Promise<void> {
    const settings = this.options.settings;
    if (settings === undefined || this.tokens === undefined) return;
    let token: string;
    try {
      token = this.tokens.open('refresh_token', account.refreshTokenSecret);
    } catch {
      this.options.logger.warn({ why }, 'The Google token cannot be decrypted, so it was not revoked at Google (remove the app in the Google account)');
      return;
    }
    try {
      await createOAuthClient(settings).revokeToken(token);
    } catch (error) {
      const failure = classifyGoogleError(error);
      // 400 invalid_token: already revoked (e.g. by the user at Google) — the goal is reached
      if (failure?.kind === 'http' && failure.status === 400) return;
      this.options.logger.warn(
        { why, failure: failure === undefined ? 'unexpected error' : describeFailure(failure) },
        'Revoking the Google token failed; remove the app in the Google account settings',
      );
    }
  }
}
