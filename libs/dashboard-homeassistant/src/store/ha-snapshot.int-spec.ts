import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@homelab/database';
import { createTestDatabase, startHomeAssistantFake, type TestDatabase } from '@homelab/testing';
import { entityState, fastClient, live, stateWhere, TOKEN } from '../testing/ha.test-helpers.js';
import { HaSnapshotRepository } from './ha-snapshot.repository.js';

// Real: PostgreSQL with the dashboard's migrations, home-assistant-js-websocket. Faked: Home Assistant.
const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

describe('last known states across a dashboard restart', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('ha-snapshot');
    await applyMigrations({ connectionString: db.url, migrationsDir });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('a dashboard started while Home Assistant is down shows the states the previous one last saw, stale, until it is back', async () => {
    const ha = await startHomeAssistantFake({ token: TOKEN });
    const store = new HaSnapshotRepository(pool);
    const first = fastClient(ha.url, { snapshots: store });
    first.start();
    await stateWhere(first, live, 'live');
    ha.setState('sensor.outdoor_temperature', '3.5');
    const seen = await stateWhere(first, (s) => entityState(s, 'sensor.outdoor_temperature') === '3.5', 'the change');
    await ha.stop();
    await stateWhere(first, (s) => !s.connected && s.error !== null, 'disconnected');
    await first.stop();

    const second = fastClient(ha.url, { snapshots: store });
    second.start();
    try {
      const restored = await stateWhere(second, (s) => s.entities.length > 0, 'restored from the database');
      expect(restored).toMatchObject({ configured: true, connected: false, stale: true, updatedAt: seen.updatedAt });
      expect(restored.entities).toEqual(seen.entities);

      // deleted in Home Assistant while nobody watched: gone once the new connection has synced
      ha.removeEntity('binary_sensor.front_door');
      await ha.restart();
      const synced = await stateWhere(second, live, 'live again', 15_000);
      expect(synced.entities.map((e) => e.entityId)).not.toContain('binary_sensor.front_door');
      expect(synced.updatedAt && seen.updatedAt && synced.updatedAt > seen.updatedAt).toBe(true);
    } finally {
      await second.stop();
      await ha.close();
    }
    const saved = await store.load(new URL(ha.url).origin);
    expect(saved?.entities.map((e) => e.entityId)).not.toContain('binary_sensor.front_door');
  });

  it('never replaces a newer snapshot with an older one, and skips rows of an unknown shape', async () => {
    const store = new HaSnapshotRepository(pool);
    const entity = { entityId: 'light.a', domain: 'light', name: 'A', state: 'on', unit: null, lastChanged: '2026-01-01T00:00:00.000Z', toggleable: true };
    await store.save('http://ha.test', { entities: [entity], updatedAt: new Date('2026-01-02T00:00:00Z') });
    await store.save('http://ha.test', { entities: [], updatedAt: new Date('2026-01-01T00:00:00Z') });
    expect(await store.load('http://ha.test')).toEqual({ entities: [entity], updatedAt: new Date('2026-01-02T00:00:00Z') });
    await pool.query('UPDATE home_assistant_snapshot SET entities = $1::jsonb', [JSON.stringify([{ entityId: 1 }, entity])]);
    expect((await store.load('http://ha.test'))?.entities).toEqual([entity]);
    expect(await store.load('http://other.test')).toBeUndefined();
    await expect(pool.query(`INSERT INTO home_assistant_snapshot (instance, entities, updated_at) VALUES ('x', '{}', now())`)).rejects.toThrow(/home_assistant_snapshot_entities_array/);
  });
});
