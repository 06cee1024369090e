import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHomeAssistantFake, type HomeAssistantFake } from './home-assistant-fake.js';

// The fake's protocol seen raw (frames as sent), so the library-level tests rest on something checked.
type Message = Record<string, unknown> & { id?: number; type?: string };

class RawClient {
  readonly frames: unknown[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }
  static async open(url: string): Promise<RawClient> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/websocket`);
    const client = new RawClient(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return client;
  }
  send(message: Message): void {
    this.socket.send(JSON.stringify(message));
  }
  /** Every message received, frames of several (coalesced) messages flattened. */
  messages(): Message[] {
    return this.frames.flatMap((frame) => (Array.isArray(frame) ? frame : [frame])) as Message[];
  }
  async next(test: (message: Message) => boolean): Promise<Message> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.messages().find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such message; got ${JSON.stringify(this.messages())}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
  async authenticated(token: string): Promise<void> {
    await this.next((m) => m.type === 'auth_required');
    this.send({ type: 'auth', access_token: token });
    await this.next((m) => m.type === 'auth_ok');
  }
}

const fakes: HomeAssistantFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});
async function start(): Promise<HomeAssistantFake> {
  const fake = await startHomeAssistantFake({ token: 'tok' });
  fakes.push(fake);
  return fake;
}

describe('Home Assistant fake', () => {
  it('authenticates like Home Assistant: auth_required, then auth_ok or auth_invalid and a closed socket', async () => {
    const fake = await start();
    const bad = await RawClient.open(fake.url);
    expect(await bad.next((m) => m.type === 'auth_required')).toEqual({ type: 'auth_required', ha_version: '2025.11.3' });
    bad.send({ type: 'auth', access_token: 'wrong' });
    expect(await bad.next((m) => m.type === 'auth_invalid')).toEqual({ type: 'auth_invalid', message: 'Invalid access token or password' });
    await bad.closed;
    const good = await RawClient.open(fake.url);
    await good.authenticated('tok');
    expect(fake.auth).toEqual({ accepted: 1, refused: 1 });
    expect(fake.clients).toBe(1);
    good.socket.close();
  });

  it('answers commands by id: results, pong, id_reuse, unknown_command, get_states', async () => {
    const fake = await start();
    const client = await RawClient.open(fake.url);
    await client.authenticated('tok');
    client.send({ id: 5, type: 'ping' });
    expect(await client.next((m) => m.id === 5)).toEqual({ id: 5, type: 'pong' });
    client.send({ id: 5, type: 'ping' });
    expect(await client.next((m) => m.id === 5 && m.type === 'result')).toMatchObject({ success: false, error: { code: 'id_reuse' } });
    client.send({ id: 6, type: 'no_such_thing' });
    expect(await client.next((m) => m.id === 6)).toMatchObject({ success: false, error: { code: 'unknown_command', message: 'Unknown command.' } });
    client.send({ id: 7, type: 'get_states' });
    const states = (await client.next((m) => m.id === 7)) as { result: { entity_id: string; last_changed: string; context: { id: string } }[] };
    expect(states.result.map((s) => s.entity_id)).toContain('light.living_room');
    expect(states.result[0]?.last_changed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(states.result[0]?.context.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    client.send({ id: 8, type: 'call_service', domain: 'light', service: 'explode', target: { entity_id: 'light.kitchen' } });
    expect(await client.next((m) => m.id === 8)).toMatchObject({ success: false, error: { code: 'not_found', message: 'Action light.explode not found.' } });
    client.socket.close();
  });

  it('subscribe_entities: everything in "a", then compressed diffs in "c" (context, removed attributes) and removals in "r"; coalesced frames', async () => {
    const fake = await start();
    const client = await RawClient.open(fake.url);
    await client.authenticated('tok');
    client.send({ id: 1, type: 'supported_features', features: { coalesce_messages: 1 } });
    client.send({ id: 2, type: 'subscribe_entities' });
    client.send({ id: 3, type: 'subscribe_events', event_type: 'state_changed' });
    const first = (await client.next((m) => m.id === 2 && m.type === 'event')) as { event: { a: Record<string, Record<string, unknown>> } };
    expect(first.event.a['light.living_room']).toMatchObject({ s: 'on', a: { friendly_name: 'Living Room', brightness: 180 }, c: expect.any(String), lc: expect.any(Number) });
    await client.next((m) => m.id === 3 && m.type === 'result');

    const framesBefore = client.frames.length;
    client.send({ id: 4, type: 'call_service', domain: 'light', service: 'toggle', target: { entity_id: 'light.living_room' } });
    const result = (await client.next((m) => m.id === 4 && m.type === 'result')) as { result: { context: { id: string; user_id: string } } };
    const diff = await client.next((m) => m.id === 2 && m.type === 'event' && 'c' in (m['event'] as object));
    expect(diff['event']).toEqual({
      c: { 'light.living_room': { '+': { s: 'off', lc: expect.any(Number), c: { user_id: result.result.context.user_id, id: result.result.context.id } }, '-': { a: ['brightness'] } } },
    });
    const changed = (await client.next((m) => m.id === 3 && m.type === 'event')) as { event: { data: { old_state: { state: string }; new_state: { state: string } } } };
    expect([changed.event.data.old_state.state, changed.event.data.new_state.state]).toEqual(['on', 'off']);
    // the diff, the event and the result were queued together: one JSON array frame
    expect(client.frames.slice(framesBefore).some((frame) => Array.isArray(frame) && frame.length >= 3)).toBe(true);

    fake.removeEntity('fan.bedroom');
    expect((await client.next((m) => m.id === 2 && m.type === 'event' && 'r' in (m['event'] as object)))['event']).toEqual({ r: ['fan.bedroom'] });
    client.socket.close();
  });

  it('serves the REST API with Bearer auth', async () => {
    const fake = await start();
    expect((await fetch(`${fake.url}/api/`)).status).toBe(401);
    const refused = await fetch(`${fake.url}/api/`, { headers: { authorization: 'Bearer nope' } });
    expect([refused.status, await refused.text()]).toEqual([401, '401: Unauthorized']);
    const auth = { headers: { authorization: 'Bearer tok' } };
    expect(await (await fetch(`${fake.url}/api/`, auth)).json()).toEqual({ message: 'API running.' });
    expect(await (await fetch(`${fake.url}/api/config`, auth)).json()).toMatchObject({ version: '2025.11.3', location_name: 'Fake Home', state: 'RUNNING' });
    expect(((await (await fetch(`${fake.url}/api/states`, auth)).json()) as unknown[]).length).toBe(fake.states().length);
    expect((await fetch(`${fake.url}/api/states/light.nope`, auth)).status).toBe(404);
    const call = await fetch(`${fake.url}/api/services/switch/turn_on`, { ...auth, method: 'POST', body: JSON.stringify({ entity_id: 'switch.coffee_maker' }) });
    expect(((await call.json()) as { entity_id: string; state: string }[]).map((s) => [s.entity_id, s.state])).toEqual([['switch.coffee_maker', 'on']]);
    expect(fake.serviceCalls).toEqual([{ domain: 'switch', service: 'turn_on', entityIds: ['switch.coffee_maker'], serviceData: { entity_id: 'switch.coffee_maker' }, via: 'rest' }]);
  });

  it('stops (clients see a close) and restarts on the same port with its entities', async () => {
    const fake = await start();
    const client = await RawClient.open(fake.url);
    await client.authenticated('tok');
    fake.setState('light.kitchen', 'on');
    await fake.stop();
    expect(await client.closed).toBe(1001);
    expect(fake.running).toBe(false);
    await expect(fetch(`${fake.url}/api/`)).rejects.toThrow();
    await fake.restart();
    const again = await RawClient.open(fake.url);
    await again.authenticated('tok');
    expect(fake.state('light.kitchen')?.state).toBe('on');
    again.socket.close();
  });
});
