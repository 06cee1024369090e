import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JarvisToolRegistry, type ToolContext } from '@homelab/jarvis';
import { startHomeAssistantFake, type HomeAssistantFake } from '@homelab/testing';
import type { HomeAssistantClient } from '../connection/home-assistant-client.js';
import { HomeAssistantService } from '../home-assistant.service.js';
import { fastClient, live, stateWhere, TOKEN } from '../testing/ha.test-helpers.js';
import { homeAssistantStatesTool } from './home-assistant-states.tool.js';

// Real: home-assistant-js-websocket, the Jarvis tool registry. Faked: Home Assistant.
const context: ToolContext = {
  conversationId: 'c1',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  user: { id: 'u1', username: 'viewer', role: 'viewer' },
  dryRun: false,
  signal: new AbortController().signal,
  progress: () => undefined,
};

interface Content {
  connected: boolean;
  stale: boolean;
  total: number;
  truncated: boolean;
  entities: { entityId: string; name: string; state: string; unit: string | null }[];
}

describe('home_assistant_states (Jarvis tool)', () => {
  let ha: HomeAssistantFake;
  let client: HomeAssistantClient;
  const tool = (): ReturnType<typeof homeAssistantStatesTool> => homeAssistantStatesTool(new HomeAssistantService(client));
  const run = async (args: unknown): Promise<{ content: Content; summary: string | undefined }> => {
    const result = await tool().run(tool().parameters.parse(args), context);
    if (!result.ok) throw new Error(result.error.message);
    return { content: result.content as Content, summary: result.summary };
  };

  beforeAll(async () => {
    ha = await startHomeAssistantFake({ token: TOKEN });
    client = fastClient(ha.url);
    client.start();
    await stateWhere(client, live, 'live');
  });
  afterAll(async () => {
    await client?.stop();
    await ha?.close();
  });

  it('is a read-only tool viewers are offered', () => {
    const registry = new JarvisToolRegistry();
    registry.register(tool());
    expect(registry.available('viewer').map((t) => t.name)).toEqual(['home_assistant_states']);
    expect(tool().readOnly).toBe(true);
  });

  it('filters by domain and by a name fragment, and changes nothing', async () => {
    const lights = await run({ domain: 'light' });
    expect(lights.content.entities.map((e) => e.entityId)).toEqual(['light.kitchen', 'light.living_room']);
    expect(lights.content).toMatchObject({ connected: true, stale: false, total: 2, truncated: false });
    expect(lights.summary).toBe('2 Home Assistant entities, live');

    const kitchen = await run({ name: 'KITCHEN' });
    expect(kitchen.content.entities.map((e) => e.entityId)).toEqual(['light.kitchen']);
    expect((await run({ name: 'outdoor_temp' })).content.entities).toEqual([
      expect.objectContaining({ entityId: 'sensor.outdoor_temperature', name: 'Outdoor Temperature', state: '12.5', unit: '°C' }),
    ]);
    const limited = await run({ limit: 3 });
    expect(limited.content).toMatchObject({ total: ha.states().length, truncated: true });
    expect(limited.content.entities).toHaveLength(3);
    expect(ha.serviceCalls).toEqual([]);
  });

  it('rejects bad arguments before running', () => {
    expect(tool().parameters.safeParse({ domain: 'Light; rm -rf' }).success).toBe(false);
    expect(tool().parameters.safeParse({ limit: 0 }).success).toBe(false);
    expect(tool().parameters.safeParse({}).success).toBe(true);
  });

  it('says plainly when the states are stale, and when Home Assistant is not configured', async () => {
    await ha.stop();
    await stateWhere(client, (s) => !s.connected && s.error !== null, 'disconnected');
    const stale = await run({ domain: 'switch' });
    expect(stale.content).toMatchObject({ connected: false, stale: true, total: 1 });
    expect(stale.summary).toMatch(/^1 Home Assistant entity, stale: Home Assistant is not connected \(.+\); these are the last known states as of \d{4}-/);
    await ha.restart();

    const unconfigured = homeAssistantStatesTool(new HomeAssistantService(undefined));
    expect(await unconfigured.run({}, context)).toEqual({ ok: false, error: { code: 'HOME_ASSISTANT_NOT_CONFIGURED', message: expect.stringContaining('not configured') } });
  });
});
