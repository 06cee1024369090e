import { randomBytes } from 'node:crypto';

// Home Assistant's wire formats for states, as the fake sends them: full states
// (`get_states`, REST), the compressed form and diffs of `subscribe_entities`,
// context ids, timestamps, and the entity ids a service call targets.

/** What `get_states` and `/api/states` answer for one entity. */
export interface HaFakeState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_reported: string;
  last_updated: string;
  context: HaContext;
}

export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface StoredState {
  entityId: string;
  state: string;
  attributes: Record<string, unknown>;
  /** Seconds since the epoch, as Home Assistant's `*_timestamp`. */
  lastChanged: number;
  lastUpdated: number;
  context: HaContext;
}

export type Json = Record<string, unknown>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID, the form of Home Assistant's context ids. */
export function ulid(): string {
  let time = Date.now();
  let text = '';
  for (let i = 0; i < 10; i++) {
    text = CROCKFORD[time % 32] + text;
    time = Math.floor(time / 32);
  }
  for (const byte of randomBytes(16)) text += CROCKFORD[byte % 32];
  return text;
}

/** Home Assistant's isoformat(): microseconds and `+00:00`. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('Z', '000+00:00');
}

export function now(): number {
  return Date.now() / 1000;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function fullState(stored: StoredState): HaFakeState {
  return {
    entity_id: stored.entityId,
    state: stored.state,
    attributes: { ...stored.attributes },
    last_changed: isoTime(stored.lastChanged),
    last_reported: isoTime(stored.lastUpdated),
    last_updated: isoTime(stored.lastUpdated),
    context: { ...stored.context },
  };
}

/** `State.as_compressed_state` of Home Assistant: what `subscribe_entities` sends in `a`. */
export function compressedState(stored: StoredState): Json {
  const { context } = stored;
  const compressed: Json = {
    s: stored.state,
    a: { ...stored.attributes },
    c: context.parent_id === null && context.user_id === null ? context.id : { ...context },
    lc: stored.lastChanged,
  };
  if (stored.lastUpdated !== stored.lastChanged) compressed['lu'] = stored.lastUpdated;
  return compressed;
}

/** `_state_diff` of Home Assistant's websocket_api: what `subscribe_entities` sends in `c`. */
export function stateDiff(old: StoredState, next: StoredState): Json {
  const additions: Json = {};
  const diff: Json = { '+': additions };
  if (old.state !== next.state) additions['s'] = next.state;
  if (old.lastChanged !== next.lastChanged) additions['lc'] = next.lastChanged;
  else if (old.lastUpdated !== next.lastUpdated) additions['lu'] = next.lastUpdated;
  const context: Json = {};
  if (old.context.parent_id !== next.context.parent_id) context['parent_id'] = next.context.parent_id;
  if (old.context.user_id !== next.context.user_id) context['user_id'] = next.context.user_id;
  if (old.context.id !== next.context.id) {
    if (Object.keys(context).length === 0) additions['c'] = next.context.id;
    else context['id'] = next.context.id;
  }
  if (Object.keys(context).length > 0) additions['c'] = context;
  const added = Object.fromEntries(Object.entries(next.attributes).filter(([key, value]) => !(key in old.attributes) || !sameValue(old.attributes[key], value)));
  if (Object.keys(added).length > 0) additions['a'] = added;
  const removed = Object.keys(old.attributes).filter((key) => !(key in next.attributes));
  if (removed.length > 0) diff['-'] = { a: removed };
  return diff;
}

export function targetEntityIds(message: Json): string[] {
  const ids: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') ids.push(...value.split(',').map((id) => id.trim()).filter(Boolean));
    else if (Array.isArray(value)) value.forEach(collect);
  };
  const target = message['target'];
  if (target && typeof target === 'object') collect((target as Json)['entity_id']);
  const data = message['service_data'];
  if (data && typeof data === 'object') collect((data as Json)['entity_id']);
  return [...new Set(ids)];
}
