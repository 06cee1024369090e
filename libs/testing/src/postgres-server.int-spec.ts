import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { probePostgres, startPostgresServer } from './postgres-server.js';
import { canConnect } from './ports.js';

describe('startPostgresServer', () => {
  // the one slow test: initdb + start + query + stop (a few seconds)
  it('initialises, starts, answers queries and stops a private cluster', async () => {
    const server = await startPostgresServer();
    let stopped = false;
    try {
      expect(server.url).toBe(`postgresql://postgres@127.0.0.1:${server.port}/postgres`);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ one: number; listen: string }>(
        "SELECT 1 AS one, current_setting('listen_addresses') AS listen",
      );
      await client.end();
      expect(rows[0]).toEqual({ one: 1, listen: '127.0.0.1' });

      const pid = server.pid;
      expect(pid).toBeGreaterThan(0);
      await server.stop();
      stopped = true;
      expect(server.pid).toBeUndefined();
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(await canConnect(server.port)).toBe(false);
      expect(await probePostgres(server.url, 500)).toBe(false);
    } finally {
      if (!stopped) await server.stop();
    }
  }, 60_000);
});
