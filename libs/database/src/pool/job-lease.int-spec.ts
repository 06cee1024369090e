import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import { createPool } from './create-pool.js';
import { JobLease } from './job-lease.js';

describe('JobLease', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('lease');
    pool = createPool(db.url, { max: 4 });
    await pool.query('create table job_lease (name text primary key, holder text not null, expires_at timestamptz not null)');
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('gives a lease to one holder at a time, renews it, and hands it over when it expires or is released', async () => {
    const a = new JobLease(pool, 'a', 300);
    const b = new JobLease(pool, 'b', 300);
    expect(await a.acquire('sweep')).toBe(true);
    expect(await b.acquire('sweep')).toBe(false);
    expect(await a.acquire('sweep')).toBe(true); // renewal
    expect(await b.acquire('other')).toBe(true); // leases are per name
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await b.acquire('sweep')).toBe(true); // a went silent
    expect(await a.acquire('sweep')).toBe(false);
    await b.release('sweep');
    expect(await a.acquire('sweep')).toBe(true);
  });

  it('lets exactly one of many concurrent contenders win', async () => {
    const holders = Array.from({ length: 20 }, (_, i) => new JobLease(pool, `h${i}`, 10_000));
    const results = await Promise.all(holders.map((h) => h.runIfLeader('race', async () => 'ran')));
    expect(results.filter((r) => r.ran)).toHaveLength(1);
  });
});
