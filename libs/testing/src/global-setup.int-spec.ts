import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import setup from './global-setup.js';
import { databaseUrl, natsUrl } from './provided.js';
import { freePort, canConnect } from './ports.js';
import { probePostgres } from './postgres-server.js';

/** Records what setup() provides; TestProject itself only exists in the main Vitest process. */
function recordingProject(): { project: TestProject; provided: Map<string, unknown> } {
  const provided = new Map<string, unknown>();
  const project = { provide: (key: string, value: unknown) => provided.set(key, value) } as unknown as TestProject;
  return { project, provided };
}

describe('global setup', () => {
  const saved = { DATABASE_URL: process.env['DATABASE_URL'], NATS_URL: process.env['NATS_URL'] };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('provided working PostgreSQL and NATS URLs to this worker', async () => {
    expect(inject('databaseUrl')).toBe(databaseUrl());
    expect(inject('natsUrl')).toBe(natsUrl());
    expect(process.env['DATABASE_URL']).toBe(databaseUrl());
    expect(process.env['NATS_URL']).toBe(natsUrl());
    expect(await probePostgres(databaseUrl())).toBe(true);
    const nc = await connect({ servers: natsUrl(), reconnect: false });
    expect(nc.info?.jetstream).toBe(true);
    await nc.close();
  });

  it('keeps a reachable server and starts a private NATS when the configured one is down', async () => {
    const deadPort = await freePort();
    process.env['DATABASE_URL'] = databaseUrl();
    process.env['NATS_URL'] = `nats://127.0.0.1:${deadPort}`;
    const { project, provided } = recordingProject();

    const teardown = await setup(project);
    const chosenNats = provided.get('natsUrl') as string;
    try {
      expect(provided.get('databaseUrl')).toBe(databaseUrl());
      expect(chosenNats).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(chosenNats).not.toBe(`nats://127.0.0.1:${deadPort}`);
      expect(process.env['NATS_URL']).toBe(chosenNats);
      const nc = await connect({ servers: chosenNats, reconnect: false });
      expect(nc.info?.jetstream).toBe(true);
      await nc.close();
    } finally {
      await teardown();
    }
    expect(await canConnect(Number(new URL(chosenNats).port))).toBe(false);
    expect(process.env['NATS_URL']).toBe(`nats://127.0.0.1:${deadPort}`);
  });
});
