import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startHomeAssistantFake, type HomeAssistantFake } from '@homelab/testing';
import { HomeAssistantService } from '../home-assistant.service.js';
import { entityState, fastClient, live, stateWhere, TOKEN } from '../testing/ha.test-helpers.js';
import type { HomeAssistantClient } from './home-assistant-client.js';

// Real: home-assistant-js-websocket 9.7 (connection, subscribeEntities, its reconnect loop), ws, fetch,
// our backoff (@homelab/resilience). Faked: Home Assistant (libs/testing's fake: its WebSocket and REST APIs).

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(options: Partial<Parameters<typeof startHomeAssistantFake>[0]> = {}): Promise<HomeAssistantFake> {
  const started = await startHomeAssistantFake({ token: TOKEN, ...options });
  cleanups.push(() => started.close());
  return started;
}

function started(client: HomeAssistantClient): HomeAssistantClient {
  client.start();
  cleanups.push(() => client.stop());
  return client;
}

describe('HomeAssistantClient against a fake Home Assistant', () => {
  it('receives every entity through subscribe_entities and follows changes made elsewhere', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    const state = await stateWhere(client, live, 'live states');
    expect(state).toMatchObject({ configured: true, connected: true, stale: false, error: null });
    expect(state.updatedAt).not.toBeNull();
    expect(state.entities.map((e) => e.entityId)).toEqual([...ha.states().map((s) => s.entity_id)].sort());
    expect(state.entities.find((e) => e.entityId === 'light.living_room')).toEqual({
      entityId: 'light.living_room',
      domain: 'light',
      name: 'Living Room',
      state: 'on',
      unit: null,
      lastChanged: new Date(ha.state('light.living_room')?.last_changed ?? '').toISOString(),
      toggleable: true,
    });
    expect(state.entities.find((e) => e.entityId === 'sensor.outdoor_temperature')).toMatchObject({ state: '12.5', unit: '°C', toggleable: false });
    expect(ha.clients).toBe(1);

    ha.setState('sensor.outdoor_temperature', '14.0');
    ha.setState('light.hallway', 'on', { friendly_name: 'Hallway' });
    ha.removeEntity('binary_sensor.front_door');
    const changed = await stateWhere(client, (s) => entityState(s, 'sensor.outdoor_temperature') === '14.0' && entityState(s, 'light.hallway') === 'on' && !entityState(s, 'binary_sensor.front_door'), 'changes');
    expect(changed.entities.find((e) => e.entityId === 'light.hallway')).toMatchObject({ name: 'Hallway', toggleable: true });
  });

  it('toggles and runs scenes through call_service; the answer is the state Home Assistant reports', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');
    const service = new HomeAssistantService(client, { confirmTimeoutMs: 1000 });

    const toggled = await service.toggle('light.kitchen');
    expect(toggled).toMatchObject({ entityId: 'light.kitchen', state: 'on' });
    expect(ha.state('light.kitchen')?.state).toBe('on');
    expect(ha.serviceCalls.at(-1)).toEqual({ domain: 'light', service: 'toggle', entityIds: ['light.kitchen'], serviceData: {}, via: 'websocket' });
    expect((await service.toggle('input_boolean.guest_mode')).state).toBe('on');
    expect((await service.toggle('switch.coffee_maker')).state).toBe('on');
    expect((await service.toggle('fan.bedroom')).state).toBe('on');
    expect((await service.toggle('fan.bedroom')).state).toBe('off');

    await service.activateScene('scene.movie_night');
    expect(ha.serviceCalls.at(-1)).toMatchObject({ domain: 'scene', service: 'turn_on', entityIds: ['scene.movie_night'] });
    const afterScene = await stateWhere(client, (s) => entityState(s, 'light.living_room') === 'off' && entityState(s, 'light.kitchen') === 'off', 'scene applied');
    expect(entityState(afterScene, 'scene.movie_night')).not.toBe('unknown');
  });

  it('waits for a slow device to report, and answers its last reported state when it does not in time', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');

    ha.setStateDelay(300);
    const patient = new HomeAssistantService(client, { confirmTimeoutMs: 2000 });
    expect((await patient.toggle('light.kitchen')).state).toBe('on');

    ha.setStateDelay(1500);
    const hasty = new HomeAssistantService(client, { confirmTimeoutMs: 200 });
    const began = Date.now();
    const answer = await hasty.toggle('light.kitchen');
    expect(Date.now() - began).toBeLessThan(1000);
    expect(answer.state).toBe('on');
    await stateWhere(client, (s) => entityState(s, 'light.kitchen') === 'off', 'the late change arrives');
  });

  it('refuses what cannot be done with clear errors', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');
    const service = new HomeAssistantService(client);
    await expect(service.toggle('sensor.outdoor_temperature')).rejects.toMatchObject({ code: 'NOT_TOGGLEABLE', kind: 'invalid' });
    await expect(service.toggle('scene.movie_night')).rejects.toMatchObject({ code: 'NOT_TOGGLEABLE' });
    await expect(service.toggle('light.nowhere')).rejects.toMatchObject({ code: 'HA_ENTITY_NOT_FOUND', kind: 'not_found' });
    await expect(service.toggle('not an entity')).rejects.toMatchObject({ code: 'HA_ENTITY_NOT_FOUND' });
    await expect(service.activateScene('light.kitchen')).rejects.toMatchObject({ code: 'NOT_A_SCENE', kind: 'invalid' });
    await expect(service.activateScene('scene.nothing')).rejects.toMatchObject({ code: 'HA_ENTITY_NOT_FOUND' });
    expect(ha.serviceCalls).toEqual([]);
    await expect(new HomeAssistantService(undefined).toggle('light.kitchen')).rejects.toMatchObject({ code: 'HOME_ASSISTANT_NOT_CONFIGURED', kind: 'unavailable' });
    expect(new HomeAssistantService(undefined).state()).toEqual({ configured: false, connected: false, stale: false, updatedAt: null, error: null, entities: [] });
  });

  it('Home Assistant goes down: stale with the last known states, actions 503; back: fresh again on the same client', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    const before = await stateWhere(client, live, 'live states');
    const service = new HomeAssistantService(client);

    await ha.stop();
    const down = await stateWhere(client, (s) => !s.connected && s.error !== null, 'disconnected');
    expect(down).toMatchObject({ configured: true, connected: false, stale: true });
    expect(down.entities).toEqual(before.entities);
    expect(down.updatedAt).toBe(before.updatedAt);
    expect(down.error).toMatch(/Home Assistant at http:\/\/127\.0\.0\.1:\d+ (was lost|is unreachable)/);
    await expect(service.toggle('light.kitchen')).rejects.toMatchObject({ code: 'HOME_ASSISTANT_UNAVAILABLE', kind: 'unavailable' });
    // unknown entities cannot be told from new ones while the list is outdated
    await expect(service.toggle('light.new_one')).rejects.toMatchObject({ code: 'HOME_ASSISTANT_UNAVAILABLE' });
    await expect(service.toggle('sensor.outdoor_temperature')).rejects.toMatchObject({ code: 'NOT_TOGGLEABLE' });
    await stateWhere(client, (s) => /is unreachable \(.*ECONNREFUSED.*\); reconnecting/.test(s.error ?? ''), 'the reason is shown');

    // changed while the dashboard could not see it
    ha.setState('light.kitchen', 'on');
    await ha.restart();
    const back = await stateWhere(client, (s) => live(s) && entityState(s, 'light.kitchen') === 'on', 'live again', 15_000);
    expect(back.error).toBeNull();
    expect(ha.clients).toBe(1);
    expect((await service.toggle('light.kitchen')).state).toBe('off');
  });

  it('survives an abrupt loss (no close frame) the same way', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');
    await ha.stop({ abrupt: true });
    expect((await stateWhere(client, (s) => !s.connected, 'disconnected')).entities.length).toBeGreaterThan(0);
    await ha.restart();
    await stateWhere(client, live, 'live again', 15_000);
  });

  it('finds a silent connection by its heartbeat, marks it stale and reconnects when Home Assistant answers again', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');
    ha.silence(true);
    const lost = await stateWhere(client, (s) => !s.connected, 'heartbeat notices');
    expect(lost.stale).toBe(true);
    ha.silence(false);
    await stateWhere(client, live, 'live again', 15_000);
  });

  it('Home Assistant down at start: retries with backoff and connects once it is up', async () => {
    const port = await freePort();
    const client = started(fastClient(`http://127.0.0.1:${port}`));
    const waiting = await stateWhere(client, (s) => s.error !== null, 'an error');
    expect(waiting).toMatchObject({ connected: false, stale: true, entities: [] });
    expect(waiting.error).toMatch(new RegExp(`^Cannot reach Home Assistant at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\(retrying\\)$`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fake({ port });
    const connected = await stateWhere(client, live, 'connected after start');
    expect(connected.entities.length).toBeGreaterThan(0);
  });

  it('a refused token: a clear error and no further attempts', async () => {
    const ha = await fake({ token: 'another-token' });
    const client = started(fastClient(ha.url));
    const refused = await stateWhere(client, (s) => s.error !== null, 'an error');
    expect(refused).toMatchObject({ connected: false, stale: true, entities: [] });
    expect(refused.error).toMatch(/^Home Assistant refused the access token \(auth_invalid on the WebSocket API\): create a new long-lived access token/);
    expect(refused.error).not.toContain(TOKEN);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ha.auth).toEqual({ accepted: 0, refused: 1 });
    await expect(new HomeAssistantService(client).toggle('light.kitchen')).rejects.toMatchObject({ code: 'HOME_ASSISTANT_UNAVAILABLE' });
  });

  it('a token revoked while connected: the reconnect is refused, the states stay (stale) and it stops trying', async () => {
    const ha = await fake();
    const client = started(fastClient(ha.url));
    await stateWhere(client, live, 'live states');
    ha.setToken('rotated-token');
    ha.dropConnections();
    const refused = await stateWhere(client, (s) => /refused the access token/.test(s.error ?? ''), 'refused');
    expect(refused).toMatchObject({ connected: false, stale: true });
    expect(refused.entities.length).toBeGreaterThan(0);
    const attempts = ha.auth.refused;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ha.auth.refused).toBe(attempts);
  });

  it('uses the REST API to tell why the WebSocket fails: blocked upgrades behind a proxy, a refused token', async () => {
    // a reverse proxy that passes HTTP but not WebSocket upgrades, in front of nothing but /api/
    let token = TOKEN;
    const proxy: Server = createServer((req, res) => {
      const ok = req.headers.authorization === `Bearer ${token}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': ok ? 'application/json' : 'text/plain' }).end(ok ? '{"message":"API running."}' : '401: Unauthorized');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const blocked = started(fastClient(url));
    const state = await stateWhere(blocked, (s) => s.error !== null && s.error.includes('REST'), 'a diagnosis');
    expect(state.error).toMatch(/answers on its REST API but its WebSocket API cannot be used \(.*\); behind a reverse proxy, it must pass WebSocket upgrades/);

    token = 'not-ours';
    const refused = started(fastClient(url));
    expect((await stateWhere(refused, (s) => s.error !== null, 'refused')).error).toMatch(/refused the access token \(HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/api\/\)/);
  });

  it('stops at once, whether connecting to a silent Home Assistant or waiting out a backoff', async () => {
    const ha = await fake();
    ha.silence(true);
    const connecting = fastClient(ha.url, { connectTimeoutMs: 5000 });
    connecting.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    let began = Date.now();
    await connecting.stop();
    expect(Date.now() - began).toBeLessThan(500);

    const backingOff = fastClient(`http://127.0.0.1:${await freePort()}`, { initialRetryDelayMs: 5000, maxRetryDelayMs: 5000 });
    backingOff.start();
    await stateWhere(backingOff, (s) => s.error !== null, 'first failure');
    began = Date.now();
    await backingOff.stop();
    expect(Date.now() - began).toBeLessThan(500);
    expect(ha.clients).toBe(0);
  });
});
