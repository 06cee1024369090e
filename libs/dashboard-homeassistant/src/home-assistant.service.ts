import type { HaEntity, HomeAssistantState } from '@homelab/dashboard-api';
import type { HomeAssistantClient } from './connection/home-assistant-client.js';
import { domainOf, isEntityId } from './entities/ha-entity.js';
import { HaEntityNotFoundError, HomeAssistantNotConfiguredError, HomeAssistantUnavailableError, NotASceneError, NotToggleableError } from './home-assistant-errors.js';

export interface HomeAssistantServiceOptions {
  /** How long a toggle waits for Home Assistant to report the state it caused. Default 3 s. */
  confirmTimeoutMs?: number;
}

const NOT_CONFIGURED: HomeAssistantState = { configured: false, connected: false, stale: false, updatedAt: null, error: null, entities: [] };

/**
 * What the HTTP API and Jarvis ask of Home Assistant (docs/dashboard-api.md,
 * "Home Assistant"). Without a client (HOME_ASSISTANT_URL/TOKEN unset) it
 * reports `configured: false` and refuses actions.
 */
export class HomeAssistantService {
  private readonly confirmTimeoutMs: number;

  constructor(
    private readonly client: HomeAssistantClient | undefined,
    options: HomeAssistantServiceOptions = {},
  ) {
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 3000;
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  state(): HomeAssistantState {
    return this.client?.state() ?? NOT_CONFIGURED;
  }

  /**
   * Toggles a light, switch, fan or input boolean with its domain's own
   * `toggle` service and answers the entity as Home Assistant then reports
   * it: the state change made in the call's context, awaited up to
   * `confirmTimeoutMs`. A device slower than that is answered with its last
   * reported state — never a guessed one — and the panel's next poll shows
   * the change.
   */
  async toggle(entityId: string): Promise<HaEntity> {
    const client = this.requireClient();
    const known = client.entity(entityId);
    if (known && !known.toggleable) throw new NotToggleableError(entityId, known.domain);
    this.requireKnown(client, entityId, known);
    const contextId = await client.callService(domainOf(entityId), 'toggle', entityId);
    const changed = contextId === null ? undefined : await client.waitForChange(entityId, contextId, this.confirmTimeoutMs);
    const current = changed ?? client.entity(entityId);
    // removed from Home Assistant in the meantime
    if (!current) throw new HaEntityNotFoundError(entityId);
    return current;
  }

  /** `scene.turn_on` on a scene; resolves once Home Assistant has run it. */
  async activateScene(entityId: string): Promise<void> {
    const client = this.requireClient();
    if (isEntityId(entityId) && domainOf(entityId) !== 'scene') throw new NotASceneError(entityId);
    this.requireKnown(client, entityId, client.entity(entityId));
    await client.callService('scene', 'turn_on', entityId);
  }

  private requireClient(): HomeAssistantClient {
    if (!this.client) throw new HomeAssistantNotConfiguredError();
    return this.client;
  }

  /** Unknown while connected: 404; while disconnected the list may be outdated, so 503 first. */
  private requireKnown(client: HomeAssistantClient, entityId: string, known: HaEntity | undefined): void {
    if (!client.isConnected()) throw new HomeAssistantUnavailableError(client.state().error ?? 'not connected');
    if (!known) throw new HaEntityNotFoundError(entityId);
  }
}
