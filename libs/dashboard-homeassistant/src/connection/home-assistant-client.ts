import type { HaEntity, HomeAssistantState } from '@homelab/dashboard-api';
import { OperationAbortedError, raceWithin, retryForever } from '@homelab/resilience';
import type { Logger } from '@homelab/tracing';
import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_CONNECTION_LOST,
  ERR_INVALID_AUTH,
  subscribeEntities,
  type Connection,
  type HassEntities,
  type HassEntity,
} from 'home-assistant-js-websocket';
import { z } from 'zod';
import { toHaEntity } from '../entities/ha-entity.js';
import { HomeAssistantCallFailedError, HomeAssistantTimeoutError, HomeAssistantUnavailableError } from '../home-assistant-errors.js';
import type { HaSnapshot, HaSnapshotStore } from '../store/ha-snapshot.repository.js';
import { probeRestApi } from './ha-rest-probe.js';
import { HaSocketFactory } from './ha-socket-factory.js';

export interface HomeAssistantClientOptions {
  /** HOME_ASSISTANT_URL, e.g. `http://homeassistant.local:8123`. */
  url: string;
  /** HOME_ASSISTANT_TOKEN: a long-lived access token. */
  token: string;
  logger: Logger;
  /** Keeps the last known states across restarts; none: they live in memory only. */
  snapshots?: HaSnapshotStore;
  /** Opening the WebSocket and authenticating. Default 10 s. */
  connectTimeoutMs?: number;
  /** Backoff of the first connection while Home Assistant is down at start. Default 1 s doubling to 30 s. */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A ping this often finds a connection that died without a close (a host powered off). Default 30 s. */
  heartbeatIntervalMs?: number;
  /** No pong within this: the connection is dropped and the library reconnects. Default 10 s. */
  heartbeatTimeoutMs?: number;
  /** Limit for a service call's answer. Default 10 s. */
  callTimeoutMs?: number;
  /**
   * Snapshots are written at most this often while states change, and at once when the connection drops
   * or the client stops. Default 5 min: sensors change all the time, and the snapshot that matters is
   * the one taken when Home Assistant went away.
   */
  snapshotIntervalMs?: number;
}

type Phase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'stopped';

interface CachedEntity {
  /** The library's object: unchanged entities keep it, so their mapping is reused. */
  source: HassEntity | null;
  entity: HaEntity;
  /** The context of the last change: a service call's changes carry the call's context id. */
  contextId: string | null;
}

const callResult = z.object({ context: z.object({ id: z.string() }) });

/** Without credentials, for messages and the snapshot key. */
export function instanceKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function refusedMessage(detail: string): string {
  return `Home Assistant refused the access token (${detail}): create a new long-lived access token (Profile → Security), set HOME_ASSISTANT_TOKEN and restart the dashboard`;
}

/** An error from the library's sendMessagePromise: a bare code, or a result message's `error`. */
function haError(error: unknown): { code: string | number; message: string } | undefined {
  if (error === ERR_CONNECTION_LOST) return { code: ERR_CONNECTION_LOST, message: 'Connection lost' };
  if (typeof error !== 'object' || error === null) return undefined;
  const inner = 'error' in error && typeof error.error === 'object' && error.error !== null ? error.error : error;
  if (!('code' in inner) || (typeof inner.code !== 'string' && typeof inner.code !== 'number')) return undefined;
  return { code: inner.code, message: 'message' in inner && typeof inner.message === 'string' ? inner.message : String(inner.code) };
}

/**
 * One Home Assistant, kept in view over its WebSocket API with
 * home-assistant-js-websocket: `subscribeEntities` feeds a cache of every
 * entity; the library re-establishes a lost connection (and its
 * subscriptions) by itself; the first connection is retried here with
 * backoff when Home Assistant is down at start; a refused token stops all
 * attempts (Home Assistant may ban an address after failed logins). While
 * disconnected the cache keeps the last known states and `state()` marks
 * them stale.
 */
export class HomeAssistantClient {
  private readonly instance: string;
  private readonly sockets: HaSocketFactory;
  private readonly abort = new AbortController();
  private readonly cache = new Map<string, CachedEntity>();
  private readonly changeListeners = new Set<() => void>();
  private connection: Connection | undefined;
  private phase: Phase = 'idle';
  /** The cache holds what Home Assistant sent over the current connection (not a snapshot or a previous connection). */
  private live = false;
  private updatedAt: Date | null = null;
  private error: string | null = null;
  /** Why the last WebSocket attempt failed, as the socket saw it. */
  private socketFailure: string | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotWrite: Promise<void> = Promise.resolve();
  private snapshotDirty = false;

  constructor(private readonly options: HomeAssistantClientOptions) {
    this.instance = instanceKey(options.url);
    this.sockets = new HaSocketFactory({
      wsUrl: `${this.instance.replace(/^http/, 'ws')}/api/websocket`,
      token: options.token,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      onFailure: (reason) => this.onAttemptFailed(reason),
    });
  }

  /** Connects in the background; never throws. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'connecting';
    void this.restoreSnapshot();
    this.connecting = this.connectUntilDone();
    const interval = this.options.heartbeatIntervalMs ?? 30_000;
    this.heartbeat = setInterval(() => void this.checkHeartbeat(), interval);
    this.heartbeat.unref();
  }

  /** Closes the connection, stops every retry and writes the snapshot (waiting 3 s at most); never throws. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.live = false;
    this.abort.abort();
    clearInterval(this.heartbeat);
    this.connection?.close();
    this.sockets.close();
    await this.connecting;
    this.persistNow();
    // the database may be gone too: shutdown must not hang on it
    await raceWithin(this.snapshotWrite, 3000, () => new Error('saving the last known states took over 3 s')).catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'Home Assistant: the last known states were not saved on shutdown'),
    );
  }

  state(): HomeAssistantState {
    const connected = this.isConnected();
    return {
      configured: true,
      connected,
      stale: !(connected && this.live),
      updatedAt: this.updatedAt?.toISOString() ?? null,
      error: this.error,
      entities: this.entities(),
    };
  }

  entities(): HaEntity[] {
    return [...this.cache.values()].map((cached) => cached.entity).sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
  }

  entity(entityId: string): HaEntity | undefined {
    return this.cache.get(entityId)?.entity;
  }

  isConnected(): boolean {
    return this.phase === 'connected' && this.connection?.connected === true;
  }

  /**
   * Runs `domain.service` on one entity; resolves with the id of the
   * context Home Assistant ran it in (its state changes carry the same id).
   */
  async callService(domain: string, service: string, entityId: string): Promise<string | null> {
    const connection = this.connection;
    const name = `${domain}.${service}`;
    if (!connection || !this.isConnected()) throw new HomeAssistantUnavailableError(this.error ?? 'not connected');
    const timeoutMs = this.options.callTimeoutMs ?? 10_000;
    let result: unknown;
    try {
      result = await raceWithin(callService(connection, domain, service, undefined, { entity_id: entityId }), timeoutMs, () => new HomeAssistantTimeoutError(name, timeoutMs));
    } catch (error) {
      if (error instanceof HomeAssistantTimeoutError) throw error;
      const failure = haError(error);
      if (!failure || failure.code === ERR_CONNECTION_LOST) {
        throw new HomeAssistantUnavailableError(`the connection was lost during ${name} (it may or may not have run)`, { cause: error });
      }
      throw new HomeAssistantCallFailedError(name, String(failure.code), failure.message);
    }
    const parsed = callResult.safeParse(result);
    return parsed.success ? parsed.data.context.id : null;
  }

  /**
   * The entity once Home Assistant reports a change made in context
   * `contextId` (a service call's), or undefined after `timeoutMs`.
   */
  waitForChange(entityId: string, contextId: string, timeoutMs: number): Promise<HaEntity | undefined> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const cached = this.cache.get(entityId);
        if (cached?.contextId !== contextId) return false;
        done(cached.entity);
        return true;
      };
      const done = (entity: HaEntity | undefined): void => {
        clearTimeout(timer);
        this.changeListeners.delete(listener);
        resolve(entity);
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.changeListeners.add(listener);
      check();
    });
  }

  // ---- connecting ---------------------------------------------------------------------------------

  private async connectUntilDone(): Promise<void> {
    const signal = this.abort.signal;
    try {
      const connection = await retryForever('home-assistant.connect', () => this.connectOnce(), {
        signal,
        initialDelayMs: this.options.initialRetryDelayMs ?? 1000,
        maxDelayMs: this.options.maxRetryDelayMs ?? 30_000,
        onError: (error, info) => this.onConnectFailed(error, info.attempt, info.delayMs),
      });
      if (connection === 'refused') return;
      if (signal.aborted) {
        connection.close();
        return;
      }
      this.attach(connection);
    } catch (error) {
      if (!(error instanceof OperationAbortedError)) this.options.logger.error({ err: error }, 'Home Assistant: connecting failed unexpectedly');
    }
  }

  /** One attempt; 'refused' ends the retries, a thrown error says why it failed (the backoff loop retries). */
  private async connectOnce(): Promise<Connection | 'refused'> {
    try {
      return await createConnection({ auth: createLongLivedTokenAuth(this.instance, this.options.token), createSocket: this.sockets.create, setupRetry: 0 });
    } catch (error) {
      if (error === ERR_INVALID_AUTH) return this.refuse('auth_invalid on the WebSocket API');
      if (this.abort.signal.aborted) throw error;
      const socketReason = this.socketFailure ?? 'the WebSocket could not be opened';
      const probe = await probeRestApi(this.instance, this.options.token, this.options.connectTimeoutMs ?? 10_000, this.abort.signal);
      switch (probe.kind) {
        case 'refused':
          return this.refuse(`HTTP ${probe.status} from ${this.instance}/api/`);
        case 'ok':
          throw new Error(
            `Home Assistant at ${this.instance} answers on its REST API but its WebSocket API cannot be used (${socketReason}); behind a reverse proxy, it must pass WebSocket upgrades on /api/websocket`,
          );
        case 'unexpected':
          throw new Error(`${this.instance} does not answer like Home Assistant (HTTP ${probe.status} from /api/; WebSocket: ${socketReason})`);
        case 'unreachable':
          throw new Error(`Cannot reach Home Assistant at ${this.instance}: ${probe.reason}`);
      }
    }
  }

  private refuse(detail: string): 'refused' {
    this.phase = 'refused';
    this.live = false;
    this.error = refusedMessage(detail);
    this.options.logger.error(`Home Assistant: ${this.error}`);
    return 'refused';
  }

  private onConnectFailed(error: unknown, attempt: number, delayMs: number): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.error = `${reason} (retrying)`;
    // the first failure and then every tenth: an outage must not flood the log
    if (attempt === 1 || attempt % 10 === 0) this.options.logger.warn({ attempt, retryInMs: Math.round(delayMs) }, `Home Assistant: ${reason}`);
  }

  private onAttemptFailed(reason: string): void {
    this.socketFailure = reason;
    if (this.phase === 'stopped' || this.phase === 'refused') return;
    this.error = this.phase === 'reconnecting' ? `Home Assistant at ${this.instance} is unreachable (${reason}); reconnecting` : reason;
  }

  private attach(connection: Connection): void {
    this.connection = connection;
    this.phase = 'connected';
    this.error = null;
    this.options.logger.info({ haVersion: connection.haVersion }, `Home Assistant: connected to ${this.instance}`);
    connection.addEventListener('disconnected', () => this.onDisconnected());
    connection.addEventListener('ready', () => this.onReconnected(connection));
    connection.addEventListener('reconnect-error', (_connection, code) => {
      if (code !== ERR_INVALID_AUTH) return;
      this.refuse('auth_invalid on reconnecting');
      connection.close();
    });
    subscribeEntities(connection, (entities) => this.onEntities(entities));
  }

  private onDisconnected(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'reconnecting';
    this.live = false;
    this.error = `The connection to Home Assistant at ${this.instance} was lost; reconnecting`;
    this.options.logger.warn(`Home Assistant: ${this.error}`);
    // the moment it goes stale is the snapshot most worth keeping
    this.persistNow();
  }

  private onReconnected(connection: Connection): void {
    if (this.phase === 'stopped') return;
    this.phase = 'connected';
    this.error = null;
    this.options.logger.info({ haVersion: connection.haVersion }, `Home Assistant: reconnected to ${this.instance}`);
  }

  private async checkHeartbeat(): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.isConnected()) return;
    const timeoutMs = this.options.heartbeatTimeoutMs ?? 10_000;
    try {
      await raceWithin(connection.ping(), timeoutMs, () => new Error(`no pong within ${timeoutMs} ms`));
    } catch (error) {
      if (!this.isConnected() || this.connection !== connection) return;
      this.options.logger.warn(`Home Assistant: ${error instanceof Error ? error.message : String(error)}; dropping the connection to reconnect`);
      this.sockets.dropCurrent();
    }
  }

  // ---- the cache ----------------------------------------------------------------------------------

  private onEntities(entities: HassEntities): void {
    if (this.phase === 'stopped') return;
    const previous = new Map(this.cache);
    this.cache.clear();
    for (const [entityId, source] of Object.entries(entities)) {
      const known = previous.get(entityId);
      this.cache.set(
        entityId,
        known?.source === source ? known : { source, entity: toHaEntity(source), contextId: source.context?.id ?? null },
      );
    }
    this.live = true;
    this.updatedAt = new Date();
    for (const listener of [...this.changeListeners]) listener();
    this.persistSoon();
  }

  private async restoreSnapshot(): Promise<void> {
    const store = this.options.snapshots;
    if (!store) return;
    let snapshot: HaSnapshot | undefined;
    try {
      snapshot = await store.load(this.instance);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Home Assistant: the last known states could not be read');
      return;
    }
    // live data that arrived meanwhile wins
    if (!snapshot || this.live || this.cache.size > 0 || this.phase === 'stopped') return;
    for (const entity of snapshot.entities) this.cache.set(entity.entityId, { source: null, entity, contextId: null });
    this.updatedAt = snapshot.updatedAt;
    this.options.logger.info({ entities: snapshot.entities.length, updatedAt: snapshot.updatedAt.toISOString() }, 'Home Assistant: showing the last known states until connected');
  }

  private persistSoon(): void {
    if (!this.options.snapshots) return;
    this.snapshotDirty = true;
    if (this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => this.persistNow(), this.options.snapshotIntervalMs ?? 300_000);
    this.snapshotTimer.unref();
  }

  /** Writes the cache if it changed; writes never overlap, and a failure is logged, never thrown. */
  private persistNow(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const store = this.options.snapshots;
    if (!store || !this.snapshotDirty || !this.updatedAt) return;
    this.snapshotDirty = false;
    const snapshot: HaSnapshot = { entities: this.entities(), updatedAt: this.updatedAt };
    this.snapshotWrite = this.snapshotWrite
      .then(() => store.save(this.instance, snapshot))
      .catch((error: unknown) => {
        this.snapshotDirty = true;
        this.options.logger.warn({ err: error }, 'Home Assistant: the last known states could not be saved');
      });
  }
}
