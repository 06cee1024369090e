import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import { DatabaseError, DatabaseErrorCode } from '../database-error.js';
import { createPool, pingDatabase } from './create-pool.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('pool');
});

afterAll(async () => {
  await database?.drop();
});

/** AuthenticationOk then ReadyForQuery(idle): enough for pg to consider the connection open. */
const HANDSHAKE = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]);

interface FakeServer {
  readonly url: string;
  /** Sockets the server saw closed. */
  readonly closed: () => number;
  stop(): Promise<void>;
}

/** A local server that speaks just enough PostgreSQL protocol (or none) and then never answers. */
async function stalledServer(handshake: boolean): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  let closed = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => closed++);
    socket.on('error', () => undefined);
    if (handshake) socket.once('data', () => socket.write(HANDSHAKE));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/fake`,
    closed: () => closed,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function expectPingTimeout(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).code).toBe(DatabaseErrorCode.PingTimeout);
}

describe('pingDatabase', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('answers with the latency of select 1', async () => {
    const pool = createPool(database.url, { max: 1 });
    cleanups.push(() => pool.end());
    const { latencyMs } = await pingDatabase(pool);
    expect(latencyMs).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(1_000);
  });

  it('times out when no connection can be opened', async () => {
    const fake = await stalledServer(false);
    const pool = createPool(fake.url, { connectionTimeoutMs: 10_000 });
    cleanups.push(fake.stop, () => pool.end());
    const started = performance.now();
    await expectPingTimeout(pingDatabase(pool, 200));
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('times out when the query gets no answer, and discards that connection', async () => {
    const fake = await stalledServer(true);
    const pool = createPool(fake.url);
    cleanups.push(fake.stop, () => pool.end());
    await expectPingTimeout(pingDatabase(pool, 200));
    await expect.poll(() => fake.closed(), { timeout: 2_000 }).toBe(1);
    expect(pool.totalCount).toBe(0);
  });
});

describe('createPool', () => {
  it('applies the options and survives an idle connection being killed', async () => {
    const errors: Error[] = [];
    const pool = createPool(database.url, { max: 3, applicationName: 'pool-spec', onError: (error) => errors.push(error) });
    try {
      expect(pool.options.max).toBe(3);
      const { rows } = await pool.query<{ pid: number; name: string }>(
        "SELECT pg_backend_pid() AS pid, current_setting('application_name') AS name",
      );
      expect(rows[0]?.name).toBe('pool-spec');

      const admin = createPool(database.url, { max: 1 });
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      await admin.end();
      await expect.poll(() => errors.length, { timeout: 2_000 }).toBe(1);
      // the broken connection was discarded; the next query opens a new one
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
