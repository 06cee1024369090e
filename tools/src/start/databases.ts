import pg from 'pg';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@homelab/database';
import type { ServiceName } from '@homelab/contracts';

export interface DatabasesHandle {
  urls: Record<ServiceName, string>;
  description: string;
  stop(): Promise<void>;
}

export function databaseName(service: ServiceName): string {
  return `homelab_${service.replace(/-/g, '_')}`;
}

/**
 * One database per service. With DATABASE_URL (a PostgreSQL server) each
 * service gets `homelab_<service>` on it, created when missing; without it
 * an embedded PGlite keeps the data under the data directory.
 */
export async function ensureDatabases(
  services: readonly ServiceName[],
  serverUrl: string | undefined,
  dataDir: string,
): Promise<DatabasesHandle> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite'), databases: services.map(databaseName) });
    const urls = Object.fromEntries(services.map((s) => [s, embedded.urls[databaseName(s)]])) as Record<ServiceName, string>;
    return { urls, description: `embedded PGlite in ${join(dataDir, 'pglite')}`, stop: () => embedded.close() };
  }
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    for (const service of services) {
      const name = databaseName(service);
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
    }
  } finally {
    await admin.end();
  }
  const urls = Object.fromEntries(
    services.map((s) => {
      const url = new URL(serverUrl);
      url.pathname = `/${databaseName(s)}`;
      return [s, url.toString()];
    }),
  ) as Record<ServiceName, string>;
  const shown = new URL(serverUrl);
  shown.password = shown.password ? '***' : '';
  return { urls, description: `PostgreSQL at ${shown.host}`, stop: async () => undefined };
}
