// docs/dashboard-api.md, "Home Assistant".

/** One Home Assistant entity as the dashboard shows it. */
export interface HaEntity {
  /** `domain.object_id`, e.g. `light.kitchen`. */
  entityId: string;
  /** The part before the dot: `light`, `switch`, `sensor`, `scene` … */
  domain: string;
  /** Its friendly name, or the entity id when it has none. */
  name: string;
  /** Home Assistant's state string (`on`, `off`, `21.5`, `unavailable` …). */
  state: string;
  /** `unit_of_measurement`, when the entity has one. */
  unit: string | null;
  /** When the state last changed (ISO 8601). */
  lastChanged: string;
  /** A light, switch, fan or input boolean: `POST …/toggle` works on it. */
  toggleable: boolean;
}

/** `GET /api/home-assistant`. */
export interface HomeAssistantState {
  /** HOME_ASSISTANT_URL and HOME_ASSISTANT_TOKEN are set. */
  configured: boolean;
  /** The WebSocket connection is up and authenticated. */
  connected: boolean;
  /** The entities are the last known states, not live ones (Home Assistant offline, or not yet synced). */
  stale: boolean;
  /** When the entities were last updated from Home Assistant (ISO 8601); null before the first update. */
  updatedAt: string | null;
  /** Why Home Assistant is not connected (unreachable, token refused …), in a sentence; null when all is well. */
  error: string | null;
  /** Sorted by entity id. */
  entities: HaEntity[];
}
