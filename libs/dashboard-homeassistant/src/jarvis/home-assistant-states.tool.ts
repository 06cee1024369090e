import type { HaEntity } from '@homelab/dashboard-api';
import type { JarvisTool, ToolResult } from '@homelab/jarvis';
import { z } from 'zod';
import type { HomeAssistantService } from '../home-assistant.service.js';

const parameters = z.object({
  domain: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'a Home Assistant domain such as light, switch, sensor, binary_sensor, climate, scene')
    .optional()
    .describe('Only entities of this domain, e.g. "light", "sensor", "binary_sensor".'),
  name: z.string().trim().min(1).max(100).optional().describe('Only entities whose name or entity id contains this text (case-insensitive), e.g. "kitchen".'),
  limit: z.number().int().min(1).max(500).optional().describe('At most this many entities (default 100).'),
});

type Parameters = typeof parameters;

/** What the model sees of one entity. */
interface ToolEntity {
  entityId: string;
  name: string;
  state: string;
  unit: string | null;
  lastChanged: string;
}

function matches(entity: HaEntity, domain: string | undefined, name: string | undefined): boolean {
  if (domain !== undefined && entity.domain !== domain) return false;
  if (name === undefined) return true;
  const wanted = name.toLowerCase();
  return entity.name.toLowerCase().includes(wanted) || entity.entityId.includes(wanted);
}

/**
 * Jarvis's window on Home Assistant: the entities and their states, filtered
 * by domain and name. Read-only — it changes nothing (Jarvis acts on the
 * homelab only through jarvis-guard), so viewers may use it too.
 */
export function homeAssistantStatesTool(service: HomeAssistantService): JarvisTool<Parameters> {
  return {
    name: 'home_assistant_states',
    description:
      'Reads the current state of Home Assistant entities (lights, switches, sensors, doors, climate …): state, unit and when it last changed. ' +
      'Filter by domain and/or a name fragment. Says when Home Assistant is offline and the states are the last known ones (stale). Changes nothing.',
    parameters,
    readOnly: true,
    run: async (args): Promise<ToolResult> => {
      const state = service.state();
      if (!state.configured) {
        return { ok: false, error: { code: 'HOME_ASSISTANT_NOT_CONFIGURED', message: 'Home Assistant is not configured on this dashboard (HOME_ASSISTANT_URL and HOME_ASSISTANT_TOKEN).' } };
      }
      const limit = args.limit ?? 100;
      const found = state.entities.filter((entity) => matches(entity, args.domain, args.name));
      const entities: ToolEntity[] = found.slice(0, limit).map(({ entityId, name, state: value, unit, lastChanged }) => ({ entityId, name, state: value, unit, lastChanged }));
      const freshness = state.stale
        ? `stale: Home Assistant is not connected${state.error ? ` (${state.error})` : ''}; these are the last known states${state.updatedAt ? ` as of ${state.updatedAt}` : ''}`
        : 'live';
      return {
        ok: true,
        content: { connected: state.connected, stale: state.stale, updatedAt: state.updatedAt, error: state.error, total: found.length, truncated: found.length > limit, entities },
        summary: `${found.length} Home Assistant ${found.length === 1 ? 'entity' : 'entities'}${found.length > limit ? ` (first ${limit} shown)` : ''}, ${freshness}`,
      };
    },
  };
}
