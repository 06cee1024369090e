import type { HaEntity } from '@homelab/dashboard-api';
import type pg from 'pg';
import { z } from 'zod';

/** The entities of one Home Assistant as last seen, and when they were. */
export interface HaSnapshot {
  entities: HaEntity[];
  updatedAt: Date;
}

/** Where the last known states survive a dashboard restart. */
export interface HaSnapshotStore {
  load(instance: string): Promise<HaSnapshot | undefined>;
  save(instance: string, snapshot: HaSnapshot): Promise<void>;
}

const storedEntity = z.object({
  entityId: z.string(),
  domain: z.string(),
  name: z.string(),
  state: z.string(),
  unit: z.string().nullable(),
  lastChanged: z.string(),
  toggleable: z.boolean(),
});

/**
 * Table `home_assistant_snapshot`: one row per Home Assistant instance (its
 * URL), the whole entity list as JSON. A cache, never queried by entity, so
 * one row written in one statement keeps every snapshot whole.
 */
export class HaSnapshotRepository implements HaSnapshotStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(instance: string): Promise<HaSnapshot | undefined> {
    const { rows } = await this.pool.query<{ entities: unknown; updated_at: Date }>(
      'SELECT entities, updated_at FROM home_assistant_snapshot WHERE instance = $1',
      [instance],
    );
    const row = rows[0];
    if (!row) return undefined;
    // rows written by another version of the dashboard: keep what still has the shape
    const entities = Array.isArray(row.entities) ? row.entities.flatMap((entity) => {
      const parsed = storedEntity.safeParse(entity);
      return parsed.success ? [parsed.data] : [];
    }) : [];
    return { entities, updatedAt: row.updated_at };
  }

  /** Replaces the instance's snapshot unless a newer one is stored (another replica may write too). */
  async save(instance: string, snapshot: HaSnapshot): Promise<void> {
    await this.pool.query(
      `INSERT INTO home_assistant_snapshot (instance, entities, updated_at, saved_at) VALUES ($1, $2::jsonb, $3, now())
       ON CONFLICT (instance) DO UPDATE SET entities = excluded.entities, updated_at = excluded.updated_at, saved_at = excluded.saved_at
       WHERE home_assistant_snapshot.updated_at <= excluded.updated_at`,
      [instance, JSON.stringify(snapshot.entities), snapshot.updatedAt],
    );
  }
}
