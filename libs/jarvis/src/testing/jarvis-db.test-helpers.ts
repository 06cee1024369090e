import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '@homelab/database';
import { createLogger, type Logger } from '@homelab/tracing';
import { createPooledTestDatabase, type TestDatabase } from '@homelab/testing';
import type { ToolUser } from '../tools/jarvis-tool.js';

const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

export interface JarvisTestDatabase {
  db: TestDatabase;
  pool: pg.Pool;
  /** A dashboard account (app_user row), as Jarvis sees its user. */
  user(username: string, role?: 'viewer' | 'admin'): Promise<ToolUser>;
  close(): Promise<void>;
}

/** A fresh database with the dashboard's migrations (Jarvis's tables and app_user). */
export async function jarvisTestDatabase(label = 'jarvis'): Promise<JarvisTestDatabase> {
  const { db, pool, close } = await createPooledTestDatabase(label, { prepare: (url) => applyMigrations({ connectionString: url, migrationsDir }) });
  return {
    db,
    pool,
    close,
    user: async (username, role = 'admin') => {
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO app_user (username, role, provider, password_hash) VALUES ($1, $2, 'local', 'not-a-real-hash') RETURNING id`, [username, role]);
      return { id: (rows[0] as { id: string }).id, username, role };
    },
  };
}

export const silentLogger = (): Logger => createLogger({ service: 'jarvis-spec', instanceId: 'spec', level: 'silent', redact: (s) => s });
