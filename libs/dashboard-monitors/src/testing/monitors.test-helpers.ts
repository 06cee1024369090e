import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '@homelab/database';
import { NatsConnectionManager } from '@homelab/platform';
import { createTestDatabase, natsUrl, type TestDatabase } from '@homelab/testing';
import { createLogger, ServiceMetrics, type Logger } from '@homelab/tracing';

export const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

export const silentLogger = (): Logger => createLogger({ service: 'spec', instanceId: 'x', level: 'silent', redact: (s) => s });

/** A fresh dashboard database with its migrations, and a pool on it. */
export async function migratedDatabase(label: string): Promise<{ db: TestDatabase; pool: pg.Pool; close(): Promise<void> }> {
  const db = await createTestDatabase(label);
  await applyMigrations({ connectionString: db.url, migrationsDir });
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export function natsManager(name: string, url = natsUrl()): NatsConnectionManager {
  return new NatsConnectionManager({ servers: [url], name }, silentLogger(), new ServiceMetrics('spec'));
}
