import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPooledTestDatabase, type PooledTestDatabase } from '@homelab/testing';
import { withTransaction } from './transaction.js';

describe('withTransaction', () => {
  let t: PooledTestDatabase;
  const names = async () => (await t.pool.query<{ name: string }>('SELECT name FROM item ORDER BY name')).rows.map((r) => r.name);

  beforeAll(async () => {
    t = await createPooledTestDatabase('tx', { max: 2 });
    await t.pool.query('CREATE TABLE item (name text PRIMARY KEY)');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('commits what the work wrote and answers its result', async () => {
    const result = await withTransaction(t.pool, async (client) => {
      await client.query("INSERT INTO item VALUES ('a')");
      return 42;
    });
    expect(result).toBe(42);
    expect(await names()).toEqual(['a']);
  });

  it('rolls everything back when the work throws, rethrows, and hands the client back', async () => {
    const failing = withTransaction(t.pool, async (client) => {
      await client.query("INSERT INTO item VALUES ('b')");
      throw new Error('changed my mind');
    });
    await expect(failing).rejects.toThrow('changed my mind');
    // a failed statement aborts the transaction; the original error is the one reported
    await expect(withTransaction(t.pool, (client) => client.query("INSERT INTO item VALUES ('a')"))).rejects.toThrow(/duplicate key/);
    expect(await names()).toEqual(['a']);
    expect(t.pool.totalCount - t.pool.idleCount).toBe(0);
  });
});
