import { inject } from 'vitest';
import type { TestingProvidedContext } from './provided-context.js';
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL } from './urls.js';

/** The value the global setup provided, or undefined outside a Vitest worker. */
function provided<K extends keyof TestingProvidedContext>(key: K): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/** URL of the PostgreSQL server tests use (database `postgres`); create per-test databases with `createTestDatabase`. */
export function databaseUrl(): string {
  return provided('databaseUrl') ?? process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
}

/** URL of the NATS server (JetStream enabled) tests use. */
export function natsUrl(): string {
  return provided('natsUrl') ?? process.env['NATS_URL'] ?? DEFAULT_NATS_URL;
}
