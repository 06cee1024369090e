import type { JarvisTool } from '@homelab/jarvis';
import type { Logger } from '@homelab/tracing';
import type pg from 'pg';
import { HomeAssistantClient, type HomeAssistantClientOptions } from './connection/home-assistant-client.js';
import { HomeAssistantService } from './home-assistant.service.js';
import { homeAssistantStatesTool } from './jarvis/home-assistant-states.tool.js';
import { HaSnapshotRepository, type HaSnapshotStore } from './store/ha-snapshot.repository.js';

/** Connection tuning (tests shorten it); see HomeAssistantClientOptions. */
export type HomeAssistantTuning = Omit<HomeAssistantClientOptions, 'url' | 'token' | 'logger' | 'snapshots'> & { confirmTimeoutMs?: number };

export interface HomeAssistantOptions {
  /** HOME_ASSISTANT_URL; with `token`, enables the integration. */
  url?: string;
  /** HOME_ASSISTANT_TOKEN. */
  token?: string;
  logger: Logger;
  /** Keeps the last known states in `home_assistant_snapshot`; without it they live in memory only. */
  pool?: pg.Pool;
  /** Resolves once the schema is migrated (the platform migrates in the background). */
  databaseReady?: Promise<unknown>;
  tuning?: HomeAssistantTuning;
}

/** Waits for the migrations before touching the table. */
function afterMigrations(store: HaSnapshotStore, ready: Promise<unknown>): HaSnapshotStore {
  return {
    load: async (instance) => {
      await ready;
      return store.load(instance);
    },
    save: async (instance, snapshot) => {
      await ready;
      await store.save(instance, snapshot);
    },
  };
}

/**
 * The Home Assistant integration, assembled: the connection (when
 * configured), the service the HTTP API calls, and Jarvis's read tool.
 */
export class HomeAssistant {
  readonly service: HomeAssistantService;
  /** Jarvis's tools: read-only. */
  readonly tools: JarvisTool[];
  private readonly client: HomeAssistantClient | undefined;

  constructor(options: HomeAssistantOptions) {
    const { url, token, logger, pool, databaseReady, tuning = {} } = options;
    const { confirmTimeoutMs, ...clientTuning } = tuning;
    const store = pool ? new HaSnapshotRepository(pool) : undefined;
    this.client =
      url && token
        ? new HomeAssistantClient({ url, token, logger, snapshots: store && afterMigrations(store, databaseReady ?? Promise.resolve()), ...clientTuning })
        : undefined;
    this.service = new HomeAssistantService(this.client, { confirmTimeoutMs });
    this.tools = [homeAssistantStatesTool(this.service)];
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** Starts connecting in the background (nothing when not configured). */
  start(): void {
    this.client?.start();
  }

  async stop(): Promise<void> {
    await this.client?.stop();
  }
}
