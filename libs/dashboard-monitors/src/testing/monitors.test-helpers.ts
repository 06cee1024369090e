import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@homelab/database';
import { NatsConnectionManager } from '@homelab/platform';
import { createPooledTestDatabase, natsUrl, type PooledTestDatabase } from '@homelab/testing';
import { createLogger, ServiceMetrics, type Logger } from '@homelab/tracing';

export const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

export const silentLogger = (): Logger => createLogger({ service: 'spec', instanceId: 'x', level: 'silent', redact: (s) => s });

/** A fresh dashboard database with its migrations, and a pool on it. */
export function migratedDatabase(label: string): Promise<PooledTestDatabase> {
  return createPooledTestDatabase(label, { prepare: (url) => applyMigrations({ connectionString: url, migrationsDir }), max: 10 });
}

export function natsManager(name: string, url = natsUrl()): NatsConnectionManager {
  return new NatsConnectionManager({ servers: [url], name }, silentLogger(), new ServiceMetrics('spec'));
}
