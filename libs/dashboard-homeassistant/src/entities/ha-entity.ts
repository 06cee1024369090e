import type { HaEntity } from '@homelab/dashboard-api';
import type { HassEntity } from 'home-assistant-js-websocket';

/** The domains `POST …/toggle` works on; each has its own `toggle` service. */
export const TOGGLEABLE_DOMAINS: ReadonlySet<string> = new Set(['light', 'switch', 'fan', 'input_boolean']);

/** `domain.object_id`, both parts lower-case letters, digits and underscores, as Home Assistant requires. */
const ENTITY_ID = /^[a-z0-9_]+\.[a-z0-9_]+$/;

export function isEntityId(value: string): boolean {
  return value.length <= 255 && ENTITY_ID.test(value);
}

export function domainOf(entityId: string): string {
  return entityId.slice(0, entityId.indexOf('.'));
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** Normalised to ISO 8601 UTC; left as Home Assistant sent it if it does not parse. */
function isoTime(value: string): string {
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

/** Home Assistant's entity as the dashboard's API shows it. */
export function toHaEntity(hass: HassEntity): HaEntity {
  const domain = domainOf(hass.entity_id);
  const attributes = hass.attributes as Record<string, unknown>;
  return {
    entityId: hass.entity_id,
    domain,
    name: text(attributes['friendly_name']) ?? hass.entity_id,
    state: hass.state,
    unit: text(attributes['unit_of_measurement']),
    lastChanged: isoTime(hass.last_changed),
    toggleable: TOGGLEABLE_DOMAINS.has(domain),
  };
}
