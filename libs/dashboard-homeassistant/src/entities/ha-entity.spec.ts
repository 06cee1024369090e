import type { HassEntity } from 'home-assistant-js-websocket';
import { describe, expect, it } from 'vitest';
import { isEntityId, toHaEntity } from './ha-entity.js';

function hass(entity_id: string, state: string, attributes: Record<string, unknown>, last_changed = '2026-03-01T10:00:00.123456+00:00'): HassEntity {
  return { entity_id, state, attributes, last_changed, last_updated: last_changed, context: { id: 'c', parent_id: null, user_id: null } };
}

describe('toHaEntity', () => {
  it('maps name, unit, time and toggleability', () => {
    expect(toHaEntity(hass('sensor.power', '412', { friendly_name: 'Power', unit_of_measurement: 'W' }))).toEqual({
      entityId: 'sensor.power',
      domain: 'sensor',
      name: 'Power',
      state: '412',
      unit: 'W',
      lastChanged: '2026-03-01T10:00:00.123Z',
      toggleable: false,
    });
    expect(toHaEntity(hass('input_boolean.away', 'off', {})).toggleable).toBe(true);
    expect(toHaEntity(hass('fan.attic', 'on', {})).toggleable).toBe(true);
    expect(toHaEntity(hass('climate.hall', 'heat', {})).toggleable).toBe(false);
  });

  it('falls back to the entity id for a missing or blank name, null for a blank unit, the raw text for an odd time', () => {
    const odd = toHaEntity(hass('switch.pump', 'on', { friendly_name: '  ', unit_of_measurement: '' }, 'yesterday'));
    expect(odd).toMatchObject({ name: 'switch.pump', unit: null, lastChanged: 'yesterday', toggleable: true });
    expect(toHaEntity(hass('light.x', 'on', { friendly_name: 42 })).name).toBe('light.x');
  });

  it('knows an entity id when it sees one', () => {
    expect(isEntityId('light.kitchen_2')).toBe(true);
    for (const bad of ['light', 'Light.kitchen', 'light.kitchen.x', '../etc', 'light.', `light.${'a'.repeat(300)}`]) expect(isEntityId(bad)).toBe(false);
  });
});
