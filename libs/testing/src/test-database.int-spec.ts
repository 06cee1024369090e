import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from './provided.js';
import { createTestDatabase, dropStaleTestDatabases, type TestDatabase } from './test-database.js';

describe('createTestDatabase', () => {
  const admin = new pg.Client({ connectionString: databaseUrl() });

  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  async function exists(name: string): Promise<boolean> {
    const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  }

  it('creates a fresh database reachable through its URL and drops it', async () => {
    const db = await createTestDatabase('harness');
    expect(db.name).toMatch(/^t_harness_[a-z0-9]{10}$/);
    expect(await exists(db.name)).toBe(true);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]?.db).toBe(db.name);
      await client.query('CREATE TABLE t (id int)');
    } finally {
      await client.end();
    }

    await db.drop();
    expect(await exists(db.name)).toBe(false);
    await db.drop(); // idempotent
  });

  it('drops a database that still has open connections', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // the forced drop terminates this session
    await client.connect();
    await db.drop();
    expect(await exists(db.name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('gives every call its own database', async () => {
    const dbs: TestDatabase[] = await Promise.all([createTestDatabase('p'), createTestDatabase('p')]);
    try {
      expect(dbs[0]?.name).not.toBe(dbs[1]?.name);
    } finally {
      await Promise.all(dbs.map((db) => db.drop()));
    }
  });

  it('drops stale test databases, and only those', async () => {
    const fresh = await createTestDatabase('fresh');
    const old = await createTestDatabase('old');
    try {
      // backdate one of them
      await admin.query(`COMMENT ON DATABASE "${old.name}" IS 'homelab-test-database created=2000-01-01T00:00:00.000Z'`);
      const dropped = await dropStaleTestDatabases(60 * 60 * 1000);
      expect(dropped).toContain(old.name);
      expect(dropped).not.toContain(fresh.name);
      expect(await exists(old.name)).toBe(false);
      expect(await exists(fresh.name)).toBe(true);
      expect(await exists('postgres')).toBe(true);
    } finally {
      await fresh.drop();
      await old.drop();
    }
  });
});
