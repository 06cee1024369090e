import type { HaEntity } from '../api/types.js';

/** The domains people look for first, in this order; any other follows alphabetically. */
const DOMAIN_ORDER = ['light', 'switch', 'fan', 'input_boolean', 'scene', 'climate', 'cover', 'lock', 'media_player', 'sensor', 'binary_sensor'];
const DOMAIN_TITLE: Record<string, string> = {
  light: 'Lights',
  switch: 'Switches',
  fan: 'Fans',
  input_boolean: 'Input booleans',
  scene: 'Scenes',
  climate: 'Climate',
  cover: 'Covers',
  lock: 'Locks',
  media_player: 'Media players',
  sensor: 'Sensors',
  binary_sensor: 'Binary sensors',
  person: 'People',
  device_tracker: 'Device trackers',
  automation: 'Automations',
  script: 'Scripts',
  weather: 'Weather',
  sun: 'Sun',
};

export function domainTitle(domain: string): string {
  const known = DOMAIN_TITLE[domain];
  if (known) return known;
  const words = domain.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Entities grouped by domain, the common domains first, each group sorted by name. */
export function groupByDomain(entities: HaEntity[]): [string, HaEntity[]][] {
  const groups = new Map<string, HaEntity[]>();
  for (const entity of entities) groups.set(entity.domain, [...(groups.get(entity.domain) ?? []), entity]);
  const rank = (domain: string): number => {
    const index = DOMAIN_ORDER.indexOf(domain);
    return index === -1 ? DOMAIN_ORDER.length : index;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([domain, members]) => [domain, [...members].sort((x, y) => x.name.localeCompare(y.name))]);
}
