import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaEntity, HomeAssistantState } from '@homelab/dashboard-api';
import { JarvisToolRegistry } from '@homelab/jarvis';
import { startHomeAssistantFake, waitFor, type HomeAssistantFake } from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// Real: the whole dashboard (HTTP, auth, roles, PostgreSQL, NATS), home-assistant-js-websocket over ws.
// Faked: Home Assistant (its WebSocket and REST APIs, libs/testing).
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const TOKEN = 'harness-home-assistant-token';

async function stateWhere(client: ApiClient, test: (state: HomeAssistantState) => boolean, message: string, timeoutMs = 15_000): Promise<HomeAssistantState> {
  return waitFor(
    async () => {
      const response = await client.get('/api/home-assistant');
      const state = response.status === 200 ? response.json<HomeAssistantState>() : undefined;
      return state && test(state) ? state : undefined;
    },
    { message, timeoutMs, intervalMs: 50 },
  );
}

const stateOf = (state: HomeAssistantState, entityId: string): string | undefined => state.entities.find((e) => e.entityId === entityId)?.state;

describe('Home Assistant API', () => {
  let ha: HomeAssistantFake;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    ha = await startHomeAssistantFake({ token: TOKEN });
    dash = await startDashboard({ env: { HOME_ASSISTANT_URL: ha.url, HOME_ASSISTANT_TOKEN: TOKEN } });
    admin = await dash.as('admin');
    viewer = await dash.as('viewer');
  });
  afterAll(async () => {
    await dash?.close();
    await ha?.close();
  });

  it('viewers see the entities, live; anonymous callers are refused', async () => {
    const state = await stateWhere(viewer, (s) => s.connected && !s.stale, 'live');
    expect(state).toMatchObject({ configured: true, error: null });
    expect(state.entities.find((e) => e.entityId === 'sensor.outdoor_temperature')).toMatchObject({ name: 'Outdoor Temperature', state: '12.5', unit: '°C', toggleable: false });
    expect((await (await dash.as('anonymous')).get('/api/home-assistant')).status).toBe(401);
  });

  it('admins toggle and run scenes; viewers cannot', async () => {
    const toggled = await admin.post('/api/home-assistant/entities/light.kitchen/toggle');
    expect(toggled.status).toBe(200);
    expect(toggled.json<HaEntity>()).toMatchObject({ entityId: 'light.kitchen', domain: 'light', name: 'Kitchen', state: 'on', toggleable: true });
    expect(ha.state('light.kitchen')?.state).toBe('on');

    expect((await viewer.post('/api/home-assistant/entities/light.kitchen/toggle')).status).toBe(403);
    expect((await viewer.post('/api/home-assistant/scenes/scene.movie_night/activate')).status).toBe(403);
    expect(ha.serviceCalls).toHaveLength(1);

    const activated = await admin.post('/api/home-assistant/scenes/scene.movie_night/activate');
    expect([activated.status, activated.text]).toEqual([204, '']);
    await stateWhere(viewer, (s) => stateOf(s, 'light.kitchen') === 'off' && stateOf(s, 'light.living_room') === 'off', 'the scene applied');
  });

  it('answers clear errors: 400 NOT_TOGGLEABLE, 400 NOT_A_SCENE, 404 for an unknown entity', async () => {
    const sensor = await admin.post('/api/home-assistant/entities/sensor.outdoor_temperature/toggle');
    expect(sensor.status).toBe(400);
    expect(sensor.json<ErrorBody>().error).toMatchObject({ code: 'NOT_TOGGLEABLE', details: { entityId: 'sensor.outdoor_temperature', domain: 'sensor' } });
    const notScene = await admin.post('/api/home-assistant/scenes/light.kitchen/activate');
    expect([notScene.status, notScene.json<ErrorBody>().error.code]).toEqual([400, 'NOT_A_SCENE']);
    const unknown = await admin.post('/api/home-assistant/entities/light.garage/toggle');
    expect(unknown.status).toBe(404);
    expect(unknown.json<ErrorBody>().error).toMatchObject({ code: 'HA_ENTITY_NOT_FOUND', message: 'Home Assistant has no entity "light.garage"' });
  });

  it('registers the read-only home_assistant_states tool with Jarvis', async () => {
    const registry = dash.running.app.get(JarvisToolRegistry, { strict: false });
    const tool = registry.get('home_assistant_states');
    expect(tool?.readOnly).toBe(true);
    expect(registry.available('viewer')).toContain(tool);
    const result = await tool?.run({ domain: 'light', name: 'kitchen' }, {
      conversationId: 'c',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      user: { id: 'u', username: 'viewer', role: 'viewer' },
      dryRun: false,
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    expect(result).toMatchObject({ ok: true, content: { connected: true, stale: false, total: 1, entities: [{ entityId: 'light.kitchen' }] } });
  });

  it('Home Assistant offline: the last known states, stale, actions 503; back: live again without a restart', async () => {
    const before = await stateWhere(viewer, (s) => s.connected && !s.stale, 'live');
    await ha.stop();
    const offline = await stateWhere(viewer, (s) => !s.connected && s.error !== null, 'offline');
    expect(offline.stale).toBe(true);
    expect(offline.entities).toEqual(before.entities);
    const refused = await admin.post('/api/home-assistant/entities/light.kitchen/toggle');
    expect(refused.status).toBe(503);
    expect(refused.json<ErrorBody>().error.code).toBe('HOME_ASSISTANT_UNAVAILABLE');

    ha.setState('switch.coffee_maker', 'on');
    await ha.restart();
    const back = await stateWhere(viewer, (s) => s.connected && !s.stale && stateOf(s, 'switch.coffee_maker') === 'on', 'live again', 20_000);
    expect(back.error).toBeNull();
    expect((await admin.post('/api/home-assistant/entities/switch.coffee_maker/toggle')).json<HaEntity>().state).toBe('off');
  });
});

describe('Home Assistant API, not configured', () => {
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard();
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('says configured: false, refuses actions with 503 HOME_ASSISTANT_NOT_CONFIGURED and offers Jarvis no Home Assistant tool', async () => {
    expect(dash.running.app.get(JarvisToolRegistry, { strict: false }).get('home_assistant_states')).toBeUndefined();
    const viewer = await dash.as('viewer');
    const state = await viewer.get('/api/home-assistant');
    expect(state.status).toBe(200);
    expect(state.json()).toEqual({ configured: false, connected: false, stale: false, updatedAt: null, error: null, entities: [] });
    const toggled = await (await dash.as('admin')).post('/api/home-assistant/entities/light.kitchen/toggle');
    expect([toggled.status, toggled.json<ErrorBody>().error.code]).toEqual([503, 'HOME_ASSISTANT_NOT_CONFIGURED']);
  });
});
