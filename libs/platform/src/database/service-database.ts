import pg from 'pg';
import { applyMigrations } from '@homelab/database';
import { retryForever } from '@homelab/resilience';
import type { DependencyStatus } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';

export interface ServiceDatabaseOptions {
  connectionString: string;
  poolMax: number;
  migrationsDir: string;
  logger: Logger;
}

const PING_TIMEOUT_MS = 1000;

/**
 * The service's PostgreSQL pool. Migrations are applied in the background
 * and retried until the database is reachable, so a service started while
 * its database is down still starts (health says why) and heals by itself.
 */
export class ServiceDatabase {
  readonly pool: pg.Pool;
  private migrated = false;
  private lastError: string | undefined = 'migrations not applied yet';
  private readonly stopping = new AbortController();
  private migration: Promise<void> | undefined;

  constructor(private readonly options: ServiceDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolMax,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      application_name: 'homelab',
    });
    // an idle client losing its connection must not crash the process
    this.pool.on('error', (error) =>
      // the error carries the whole pg client; its message and code are what matter
      options.logger.warn({ error: error.message, code: (error as { code?: string }).code }, 'PostgreSQL connection lost'),
    );
  }

  /** True once the migrations are applied: the tables exist. */
  get ready(): boolean {
    return this.migrated;
  }

  /** Starts applying migrations; resolves when they are applied (or on close). */
  start(): Promise<void> {
    if (this.migration) return this.migration;
    this.migration = retryForever(
      'database migrations',
      async () => {
        const result = await applyMigrations({ pool: this.pool, migrationsDir: this.options.migrationsDir });
        this.migrated = true;
        this.lastError = undefined;
        this.options.logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, 'Database migrations up to date');
      },
      {
        initialDelayMs: 250,
        maxDelayMs: 5000,
        signal: this.stopping.signal,
        onError: (error: unknown) => {
          this.lastError = describe(error);
          this.options.logger.warn({ err: error }, 'Database not ready; will retry');
        },
      },
    ).catch((error: unknown) => {
      if (!this.stopping.signal.aborted) this.options.logger.error({ err: error }, 'Database migrations stopped');
    });
    return this.migration;
  }

  async check(): Promise<DependencyStatus> {
    if (!this.migrated) return { status: 'down', error: this.lastError ?? 'migrations pending' };
    const started = performance.now();
    const client = await this.pool.connect();
    try {
      await client.query({ text: 'select 1', query_timeout: PING_TIMEOUT_MS } as pg.QueryConfig);
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.pool.end().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}
