import type { TestProject } from 'vitest/node';
import { probeNats, startNatsServer, type NatsServerHandle } from './nats-server.js';
import { probePostgres, startPostgresServer, type PostgresServerHandle } from './postgres-server.js';
import type { TestingProvidedContext } from './provided-context.js';
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL, describeEndpoint } from './urls.js';

/**
 * Vitest globalSetup (see vitest.shared.ts): decides which PostgreSQL and NATS
 * the tests use. The configured (or default local) servers are used when they
 * answer; otherwise private ones are started on free loopback ports and
 * stopped again by the returned teardown.
 */

type Stoppable = { stop(): Promise<void> } | { dispose(): Promise<void> };

function log(line: string): void {
  process.stderr.write(`[@homelab/testing] ${line}\n`);
}

async function choosePostgres(configured: string, started: Stoppable[]): Promise<string> {
  if (await probePostgres(configured)) return configured;
  const server: PostgresServerHandle = await startPostgresServer();
  started.push(server);
  log(`PostgreSQL at ${describeEndpoint(configured)} did not answer — started a private one at 127.0.0.1:${server.port}`);
  return server.url;
}

async function chooseNats(configured: string, started: Stoppable[]): Promise<string> {
  const probe = await probeNats(configured);
  if (probe?.jetstream) return configured;
  const server: NatsServerHandle = await startNatsServer({ jetstream: true });
  started.push(server);
  const why = probe ? 'has no JetStream' : 'did not answer';
  log(`NATS at ${describeEndpoint(configured)} ${why} — started a private one at ${server.url}`);
  return server.url;
}

async function stopAll(started: Stoppable[]): Promise<void> {
  const results = await Promise.allSettled(started.map((s) => ('dispose' in s ? s.dispose() : s.stop())));
  for (const result of results) {
    if (result.status === 'rejected') log(`teardown failed: ${String(result.reason)}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Stoppable[] = [];
  // allSettled, not all: a failure on one side must not leave the other's server running
  const [database, nats] = await Promise.allSettled([
    choosePostgres(process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL, started),
    chooseNats(process.env['NATS_URL'] ?? DEFAULT_NATS_URL, started),
  ]);
  if (database.status === 'rejected' || nats.status === 'rejected') {
    await stopAll(started);
    throw database.status === 'rejected' ? database.reason : (nats as PromiseRejectedResult).reason;
  }
  const chosen: TestingProvidedContext = { databaseUrl: database.value, natsUrl: nats.value };

  project.provide('databaseUrl', chosen.databaseUrl);
  project.provide('natsUrl', chosen.natsUrl);
  // child processes spawned by tests (and the forked workers) read these
  const previous = { DATABASE_URL: process.env['DATABASE_URL'], NATS_URL: process.env['NATS_URL'] };
  process.env['DATABASE_URL'] = chosen.databaseUrl;
  process.env['NATS_URL'] = chosen.natsUrl;

  return async () => {
    await stopAll(started);
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
