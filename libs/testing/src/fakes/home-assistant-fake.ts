import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  compressedState,
  fullState,
  isoTime,
  now,
  sameValue,
  stateDiff,
  targetEntityIds,
  ulid,
  type HaContext,
  type HaFakeState,
  type Json,
  type StoredState,
} from './home-assistant-fake-wire.js';
import { readBody, sendJson } from './http-helpers.js';

export type { HaFakeState } from './home-assistant-fake-wire.js';

/** An entity the fake starts with (or a test adds): Home Assistant's own field names. */
export interface HaFakeEntity {
  entity_id: string;
  state: string;
  attributes?: Record<string, unknown>;
}

export interface HomeAssistantFakeOptions {
  /** The long-lived access token the fake accepts (WebSocket `auth` and REST `Authorization: Bearer`). */
  token: string;
  /** The entities it starts with; defaults to {@link DEFAULT_HA_ENTITIES}. */
  entities?: HaFakeEntity[];
  /** Scene entity id → the states `scene.turn_on` sets; defaults to {@link DEFAULT_HA_SCENES}. */
  scenes?: Record<string, Record<string, string>>;
  /** `ha_version` in `auth_required`/`auth_ok` and `/api/config`. */
  version?: string;
  /** Port to listen on (default a free one); `restart()` reuses it. */
  port?: number;
}

/** One `call_service` (WebSocket) or `POST /api/services/…` (REST) the fake received. */
export interface HaFakeServiceCall {
  domain: string;
  service: string;
  entityIds: string[];
  serviceData: Record<string, unknown>;
  via: 'websocket' | 'rest';
}

export interface HomeAssistantFake {
  /** `http://127.0.0.1:<port>` — what HOME_ASSISTANT_URL is set to. */
  readonly url: string;
  readonly port: number;
  /** Listening (false between `stop()` and `restart()`). */
  readonly running: boolean;
  /** Authenticated WebSocket clients connected now. */
  readonly clients: number;
  /** `auth` messages answered `auth_ok` / `auth_invalid` so far. */
  readonly auth: { readonly accepted: number; readonly refused: number };
  readonly serviceCalls: readonly HaFakeServiceCall[];
  /** The entity as `get_states` would answer it; undefined when it does not exist. */
  state(entityId: string): HaFakeState | undefined;
  states(): HaFakeState[];
  /** A change made outside the dashboard (a wall switch, a sensor): every subscriber hears of it. Creates the entity when new. */
  setState(entityId: string, state: string, attributes?: Record<string, unknown>): void;
  removeEntity(entityId: string): void;
  /** The token accepted from now on (the old one is refused, as after revoking it in Home Assistant). */
  setToken(token: string): void;
  /** State changes caused by service calls land this long after the call's result (default 0: before it, as HA does). */
  setStateDelay(ms: number): void;
  /** While silent the fake reads but never answers (a hung Home Assistant or a half-open TCP connection). */
  silence(silent: boolean): void;
  /** Closes every WebSocket connection but keeps serving (a network blip). */
  dropConnections(): void;
  /** Shuts down like Home Assistant does (close frames), or `abrupt` (sockets destroyed): connections then fail until `restart()`. */
  stop(options?: { abrupt?: boolean }): Promise<void>;
  /** Listens again on the same port with the same entities. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

type Subscription = { kind: 'entities'; entityIds: Set<string> | null } | { kind: 'events'; eventType: string | null };

interface Client {
  socket: WebSocket;
  authenticated: boolean;
  /** The client asked for `coalesce_messages`: messages queued together go out as one JSON array. */
  coalesce: boolean;
  lastId: number;
  subscriptions: Map<number, Subscription>;
  outbox: unknown[];
}

export const DEFAULT_HA_ENTITIES: readonly HaFakeEntity[] = [
  { entity_id: 'light.living_room', state: 'on', attributes: { friendly_name: 'Living Room', brightness: 180, color_mode: 'brightness', supported_color_modes: ['brightness'] } },
  { entity_id: 'light.kitchen', state: 'off', attributes: { friendly_name: 'Kitchen', color_mode: null, supported_color_modes: ['brightness'] } },
  { entity_id: 'switch.coffee_maker', state: 'off', attributes: { friendly_name: 'Coffee Maker' } },
  { entity_id: 'fan.bedroom', state: 'off', attributes: { friendly_name: 'Bedroom Fan' } },
  { entity_id: 'input_boolean.guest_mode', state: 'off', attributes: { friendly_name: 'Guest Mode', editable: true } },
  {
    entity_id: 'sensor.outdoor_temperature',
    state: '12.5',
    attributes: { friendly_name: 'Outdoor Temperature', unit_of_measurement: '°C', device_class: 'temperature', state_class: 'measurement' },
  },
  { entity_id: 'binary_sensor.front_door', state: 'off', attributes: { friendly_name: 'Front Door', device_class: 'door' } },
  { entity_id: 'scene.movie_night', state: 'unknown', attributes: { friendly_name: 'Movie Night', entity_id: ['light.living_room', 'light.kitchen'] } },
];

export const DEFAULT_HA_SCENES: Readonly<Record<string, Record<string, string>>> = {
  'scene.movie_night': { 'light.living_room': 'off', 'light.kitchen': 'off' },
};

/** The user the fake's token belongs to: service calls carry it in their context, as in Home Assistant. */
const TOKEN_USER_ID = '6b7e1c0f2a3d4e5f8091a2b3c4d5e6f7';
const TOGGLE_DOMAINS = new Set(['light', 'switch', 'fan', 'input_boolean']);

/**
 * A Home Assistant on 127.0.0.1 speaking its real APIs, for driving
 * home-assistant-js-websocket (and plain HTTP clients) in tests.
 *
 * WebSocket `/api/websocket`: `auth_required` → `auth` → `auth_ok` |
 * `auth_invalid` (then closed), `supported_features` (message coalescing:
 * queued messages go out as one JSON array), `subscribe_entities` (first event
 * `{a}` with every entity, then `{c}` diffs and `{r}` removals, compressed as
 * Home Assistant compresses them), `subscribe_events` (`state_changed`,
 * `call_service`), `unsubscribe_events`, `get_states`, `get_config`,
 * `get_services`, `call_service` (toggle/turn_on/turn_off of lights, switches,
 * fans and input booleans, `homeassistant.*` on any of those, `scene.turn_on`;
 * the result carries the call's context, and the state changes it causes
 * carry the same context id), `ping` → `pong`; results by id, ids must
 * increase (`id_reuse`), unknown commands answer `unknown_command`.
 *
 * REST with `Authorization: Bearer`: `GET /api/` (`{"message":"API running."}`),
 * `GET /api/config`, `GET /api/states`, `GET /api/states/<id>`,
 * `POST /api/services/<domain>/<service>`; a missing or wrong token → 401
 * `401: Unauthorized` (text), as Home Assistant answers.
 */
export async function startHomeAssistantFake(options: HomeAssistantFakeOptions): Promise<HomeAssistantFake> {
  const version = options.version ?? '2025.11.3';
  const scenes = options.scenes ?? DEFAULT_HA_SCENES;
  let token = options.token;
  let stateDelayMs = 0;
  let silent = false;
  const accepted = { accepted: 0, refused: 0 };
  const serviceCalls: HaFakeServiceCall[] = [];
  const states = new Map<string, StoredState>();
  const clients = new Set<Client>();

  const store = (entity: HaFakeEntity, context: HaContext): void => {
    const at = now();
    states.set(entity.entity_id, { entityId: entity.entity_id, state: entity.state, attributes: { ...(entity.attributes ?? {}) }, lastChanged: at, lastUpdated: at, context });
  };
  for (const entity of options.entities ?? DEFAULT_HA_ENTITIES) store(entity, { id: ulid(), parent_id: null, user_id: null });

  // ---- sending -----------------------------------------------------------------------------------

  const flush = (client: Client): void => {
    const batch = client.outbox.splice(0);
    if (batch.length === 0 || client.socket.readyState !== client.socket.OPEN) return;
    if (client.coalesce && batch.length > 1) client.socket.send(JSON.stringify(batch));
    else for (const message of batch) client.socket.send(JSON.stringify(message));
  };
  const send = (client: Client, message: unknown): void => {
    if (client.outbox.push(message) === 1) setImmediate(() => flush(client));
  };
  const result = (client: Client, id: number, value: unknown): void => send(client, { id, type: 'result', success: true, result: value });
  const failure = (client: Client, id: number | null, code: string, message: string): void =>
    send(client, { id, type: 'result', success: false, error: { code, message } });

  const broadcastEvent = (event: Json): void => {
    for (const client of clients) {
      for (const [id, subscription] of client.subscriptions) {
        if (subscription.kind === 'events' && (subscription.eventType === null || subscription.eventType === event['event_type'])) {
          send(client, { id, type: 'event', event });
        }
      }
    }
  };
  const broadcastEntities = (entityId: string, event: Json): void => {
    for (const client of clients) {
      for (const [id, subscription] of client.subscriptions) {
        if (subscription.kind === 'entities' && (subscription.entityIds === null || subscription.entityIds.has(entityId))) {
          send(client, { id, type: 'event', event });
        }
      }
    }
  };

  // ---- the state machine ---------------------------------------------------------------------------

  /** Writes a state like `hass.states.async_set`: no event when nothing changed. */
  const writeState = (entityId: string, state: string, attributes: Record<string, unknown>, context: HaContext): void => {
    const old = states.get(entityId);
    const at = now();
    if (old && old.state === state && sameValue(old.attributes, attributes)) return;
    const next: StoredState = {
      entityId,
      state,
      attributes: { ...attributes },
      lastChanged: old && old.state === state ? old.lastChanged : at,
      lastUpdated: at,
      context,
    };
    states.set(entityId, next);
    broadcastEntities(entityId, old ? { c: { [entityId]: stateDiff(old, next) } } : { a: { [entityId]: compressedState(next) } });
    broadcastEvent({
      event_type: 'state_changed',
      data: { entity_id: entityId, old_state: old ? fullState(old) : null, new_state: fullState(next) },
      origin: 'LOCAL',
      time_fired: isoTime(at),
      context,
    });
  };

  const removeState = (entityId: string): void => {
    const old = states.get(entityId);
    if (!old) return;
    states.delete(entityId);
    const context = { id: ulid(), parent_id: null, user_id: null };
    broadcastEntities(entityId, { r: [entityId] });
    broadcastEvent({ event_type: 'state_changed', data: { entity_id: entityId, old_state: fullState(old), new_state: null }, origin: 'LOCAL', time_fired: isoTime(now()), context });
  };

  /** The state a toggle-like service leaves `stored` in. */
  const switched = (stored: StoredState, service: string): { state: string; attributes: Record<string, unknown> } => {
    const on = service === 'turn_on' || (service === 'toggle' && stored.state !== 'on');
    const attributes = { ...stored.attributes };
    if (stored.entityId.startsWith('light.')) {
      // a light that is off has no brightness in Home Assistant
      if (on) attributes['brightness'] = typeof attributes['brightness'] === 'number' ? attributes['brightness'] : 255;
      else delete attributes['brightness'];
    }
    return { state: on ? 'on' : 'off', attributes };
  };

  type Change = { entityId: string; state: string; attributes: Record<string, unknown> };
  type ServiceError = { code: string; message: string };

  /** The changes a service call makes, or the error Home Assistant reports for it. */
  const plan = (domain: string, service: string, entityIds: string[]): Change[] | ServiceError => {
    const notFound: ServiceError = { code: 'not_found', message: `Action ${domain}.${service} not found.` };
    const changes: Change[] = [];
    if (domain === 'scene') {
      if (service !== 'turn_on') return notFound;
      for (const sceneId of entityIds) {
        const scene = states.get(sceneId);
        const targets = scenes[sceneId];
        if (!scene || !targets) continue;
        for (const [entityId, state] of Object.entries(targets)) {
          const stored = states.get(entityId);
          if (stored) changes.push({ entityId, ...switched(stored, state === 'on' ? 'turn_on' : 'turn_off') });
        }
        changes.push({ entityId: sceneId, state: isoTime(now()), attributes: scene.attributes });
      }
      return changes;
    }
    if (!['turn_on', 'turn_off', 'toggle'].includes(service) || !(domain === 'homeassistant' || TOGGLE_DOMAINS.has(domain))) return notFound;
    for (const entityId of entityIds) {
      const stored = states.get(entityId);
      const entityDomain = entityId.split('.')[0] ?? '';
      // Home Assistant skips (and logs) referenced entities that are missing or of another domain
      if (!stored || !TOGGLE_DOMAINS.has(entityDomain) || (domain !== 'homeassistant' && entityDomain !== domain)) continue;
      changes.push({ entityId, ...switched(stored, service) });
    }
    return changes;
  };

  const applyChanges = (changes: Change[], context: HaContext): void => {
    for (const change of changes) writeState(change.entityId, change.state, change.attributes, context);
  };

  /** Runs a service call; the context it ran in, or an error. */
  const callService = (call: HaFakeServiceCall): { context: HaContext } | { error: ServiceError } => {
    serviceCalls.push(call);
    const changes = plan(call.domain, call.service, call.entityIds);
    if (!Array.isArray(changes)) return { error: changes };
    const context: HaContext = { id: ulid(), parent_id: null, user_id: TOKEN_USER_ID };
    broadcastEvent({
      event_type: 'call_service',
      data: { domain: call.domain, service: call.service, service_data: { ...call.serviceData, entity_id: call.entityIds } },
      origin: 'LOCAL',
      time_fired: isoTime(now()),
      context,
    });
    if (stateDelayMs > 0) setTimeout(() => applyChanges(changes, context), stateDelayMs);
    else applyChanges(changes, context);
    return { context };
  };

  // ---- WebSocket commands -------------------------------------------------------------------------

  const config = (): Json => ({
    latitude: 52.37,
    longitude: 4.89,
    elevation: 0,
    radius: 100,
    unit_system: { length: 'km', accumulated_precipitation: 'mm', area: 'm²', mass: 'g', pressure: 'Pa', temperature: '°C', volume: 'L', wind_speed: 'm/s' },
    location_name: 'Fake Home',
    time_zone: 'UTC',
    components: ['homeassistant', 'light', 'switch', 'fan', 'input_boolean', 'sensor', 'binary_sensor', 'scene', 'websocket_api', 'api'],
    config_dir: '/config',
    allowlist_external_dirs: [],
    allowlist_external_urls: [],
    version,
    config_source: 'storage',
    recovery_mode: false,
    safe_mode: false,
    state: 'RUNNING',
    external_url: null,
    internal_url: null,
    currency: 'EUR',
    country: 'NL',
    language: 'en',
  });

  const services = (): Json => {
    const toggles = { turn_on: { fields: {} }, turn_off: { fields: {} }, toggle: { fields: {} } };
    return { homeassistant: toggles, light: toggles, switch: toggles, fan: toggles, input_boolean: toggles, scene: { turn_on: { fields: {} } } };
  };

  const command = (client: Client, id: number, message: Json): void => {
    switch (message['type']) {
      case 'supported_features': {
        const features = message['features'];
        client.coalesce = typeof features === 'object' && features !== null && (features as Json)['coalesce_messages'] === 1;
        return result(client, id, null);
      }
      case 'ping':
        return send(client, { id, type: 'pong' });
      case 'get_states':
        return result(client, id, [...states.values()].map(fullState));
      case 'get_config':
        return result(client, id, config());
      case 'get_services':
        return result(client, id, services());
      case 'subscribe_entities': {
        const wanted = Array.isArray(message['entity_ids']) ? new Set(message['entity_ids'].filter((e): e is string => typeof e === 'string')) : null;
        client.subscriptions.set(id, { kind: 'entities', entityIds: wanted });
        result(client, id, null);
        const all = [...states.values()].filter((stored) => wanted === null || wanted.has(stored.entityId));
        return send(client, { id, type: 'event', event: { a: Object.fromEntries(all.map((stored) => [stored.entityId, compressedState(stored)])) } });
      }
      case 'subscribe_events':
        client.subscriptions.set(id, { kind: 'events', eventType: typeof message['event_type'] === 'string' ? message['event_type'] : null });
        return result(client, id, null);
      case 'unsubscribe_events': {
        const subscription = message['subscription'];
        if (typeof subscription !== 'number' || !client.subscriptions.delete(subscription)) return failure(client, id, 'not_found', 'Subscription not found.');
        return result(client, id, null);
      }
      case 'call_service': {
        const { domain, service } = message;
        if (typeof domain !== 'string' || typeof service !== 'string') return failure(client, id, 'invalid_format', "required key not provided @ data['domain']");
        const data = message['service_data'];
        const outcome = callService({
          domain,
          service,
          entityIds: targetEntityIds(message),
          serviceData: typeof data === 'object' && data !== null ? { ...(data as Json) } : {},
          via: 'websocket',
        });
        if ('error' in outcome) return failure(client, id, outcome.error.code, outcome.error.message);
        return result(client, id, { context: outcome.context, response: null });
      }
      default:
        return failure(client, id, 'unknown_command', 'Unknown command.');
    }
  };

  const onAuthMessage = (client: Client, message: Json): void => {
    if (message['type'] === 'auth' && message['access_token'] === token) {
      accepted.accepted += 1;
      client.authenticated = true;
      send(client, { type: 'auth_ok', ha_version: version });
      return;
    }
    accepted.refused += 1;
    const reason = message['type'] === 'auth' ? 'Invalid access token or password' : 'Auth message incorrectly formatted: expected auth';
    send(client, { type: 'auth_invalid', message: reason });
    setImmediate(() => client.socket.close());
  };

  const onMessage = (client: Client, data: RawData): void => {
    if (silent) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      // Home Assistant drops a client that sends something other than JSON
      client.socket.close(1003);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return failure(client, null, 'invalid_format', 'Message incorrectly formatted.');
    const json = message as Json;
    if (!client.authenticated) return onAuthMessage(client, json);
    const id = json['id'];
    if (typeof id !== 'number' || !Number.isInteger(id)) return failure(client, null, 'invalid_format', 'Message incorrectly formatted.');
    if (id <= client.lastId) return failure(client, id, 'id_reuse', 'Identifier values have to increase.');
    client.lastId = id;
    command(client, id, json);
  };

  // ---- HTTP and the server -----------------------------------------------------------------------

  const authorised = (req: IncomingMessage): boolean => req.headers.authorization === `Bearer ${token}`;

  const rest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://ha.invalid').pathname;
    const body = await readBody(req);
    if (silent) return;
    if (!path.startsWith('/api/')) return sendJson(res, 404, { message: 'Not found' });
    if (!authorised(req)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('401: Unauthorized');
      return;
    }
    if (req.method === 'GET' && path === '/api/') return sendJson(res, 200, { message: 'API running.' });
    if (req.method === 'GET' && path === '/api/config') return sendJson(res, 200, config());
    if (req.method === 'GET' && path === '/api/states') return sendJson(res, 200, [...states.values()].map(fullState));
    const stateMatch = /^\/api\/states\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && stateMatch?.[1]) {
      const stored = states.get(decodeURIComponent(stateMatch[1]));
      return stored ? sendJson(res, 200, fullState(stored)) : sendJson(res, 404, { message: 'Entity not found.' });
    }
    const serviceMatch = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && serviceMatch?.[1] && serviceMatch[2]) return restService(serviceMatch[1], serviceMatch[2], body, res);
    sendJson(res, 404, { message: 'Not found' });
  };

  const restService = (domain: string, service: string, body: string, res: ServerResponse): void => {
    let data: Json = {};
    try {
      data = body ? (JSON.parse(body) as Json) : {};
    } catch {
      return sendJson(res, 400, { message: 'Data should be valid JSON.' });
    }
    const before = new Map([...states].map(([id, stored]) => [id, stored.lastUpdated]));
    const outcome = callService({ domain, service, entityIds: targetEntityIds({ service_data: data }), serviceData: data, via: 'rest' });
    if ('error' in outcome) return sendJson(res, 400, { message: outcome.error.message });
    // the REST API answers the states that changed during the call
    sendJson(res, 200, [...states.values()].filter((stored) => before.get(stored.entityId) !== stored.lastUpdated).map(fullState));
  };

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (socket: WebSocket) => {
    const client: Client = { socket, authenticated: false, coalesce: false, lastId: 0, subscriptions: new Map(), outbox: [] };
    clients.add(client);
    socket.on('message', (data) => onMessage(client, data));
    socket.on('close', () => clients.delete(client));
    socket.on('error', () => socket.terminate());
    if (!silent) send(client, { type: 'auth_required', ha_version: version });
  });

  const createHttpServer = (): Server => {
    const server = createServer((req, res) => {
      rest(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { message: 'fake failed' });
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://ha.invalid').pathname !== '/api/websocket') {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    return server;
  };

  const listen = (server: Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  let server: Server | undefined = createHttpServer();
  const port = await listen(server, options.port ?? 0);

  const stop = async (stopOptions: { abrupt?: boolean } = {}): Promise<void> => {
    const current = server;
    if (!current) return;
    server = undefined;
    for (const client of clients) {
      if (stopOptions.abrupt) client.socket.terminate();
      else client.socket.close(1001, 'Home Assistant is shutting down');
    }
    clients.clear();
    await new Promise<void>((resolve) => {
      current.close(() => resolve());
      current.closeAllConnections();
    });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get running() {
      return server !== undefined;
    },
    get clients() {
      return [...clients].filter((client) => client.authenticated).length;
    },
    auth: accepted,
    serviceCalls,
    state: (entityId) => {
      const stored = states.get(entityId);
      return stored ? fullState(stored) : undefined;
    },
    states: () => [...states.values()].map(fullState),
    setState: (entityId, state, attributes) =>
      writeState(entityId, state, attributes ?? states.get(entityId)?.attributes ?? {}, { id: ulid(), parent_id: null, user_id: null }),
    removeEntity: removeState,
    setToken: (next) => {
      token = next;
    },
    setStateDelay: (ms) => {
      stateDelayMs = ms;
    },
    silence: (on) => {
      silent = on;
    },
    dropConnections: () => {
      for (const client of clients) client.socket.close(1001);
    },
    stop,
    restart: async () => {
      if (server) return;
      const next = createHttpServer();
      await listen(next, port);
      server = next;
    },
    close: async () => {
      await stop({ abrupt: true });
      wss.close();
    },
  };
}
