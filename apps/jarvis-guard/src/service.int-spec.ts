import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { guardPing, healthContracts, RpcError, RpcErrorCode } from '@homelab/contracts';
import { startService, type RunningService } from '@homelab/platform';
import {
  createTestDatabase,
  natsUrl,
  serviceTestEnv,
  startNatsServer,
  uniqueSubjectPrefix,
  waitFor,
  type NatsServerHandle,
  type TestDatabase,
} from '@homelab/testing';
import { serviceSpec } from './service.js';

interface ErrorReply {
  err?: { code: string; message: string };
}

describe('jarvis-guard service (real NATS and PostgreSQL)', () => {
  let db: TestDatabase;
  let guard: RunningService;
  let raw: NatsConnection;
  const prefix = uniqueSubjectPrefix('guard');

  beforeAll(async () => {
    db = await createTestDatabase('guard');
    guard = await startService(serviceSpec, await serviceTestEnv({ databaseUrl: db.url, natsUrl: natsUrl(), subjectPrefix: prefix }));
    raw = await connect({ servers: natsUrl() });
    await waitFor(async () => (await fetch(`${guard.url}/health`)).status === 200, { message: 'guard healthy' });
  });

  afterAll(async () => {
    await raw?.close();
    await guard?.close();
    await db?.drop();
  });

  it('reports each dependency on /health', async () => {
    const response = await fetch(`${guard.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('up');
    expect(body.checks['nats']?.status).toBe('up');
    expect(body.checks['database']?.status).toBe('up');
  });

  it('serves Prometheus metrics with process, HTTP and NATS series', async () => {
    await guard.runtime.rpc.request(guardPing, { payload: 'metrics' });
    const response = await fetch(`${guard.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toMatch(/http_server_request_duration_seconds_count\{.*route="\/health"/);
    expect(text).toMatch(/nats_server_handle_duration_seconds_count\{.*subject="guard.system.ping",outcome="ok"/);
    expect(text).toContain('nats_connection_up{service="jarvis-guard"} 1');
  });

  it('answers typed requests over NATS and its health contract', async () => {
    const pong = await guard.runtime.rpc.request(guardPing, { payload: 'hello' });
    expect(pong.payload).toBe('hello');
    const health = await guard.runtime.rpc.request(healthContracts['jarvis-guard'], {});
    expect(health.service).toBe('jarvis-guard');
  });

  it('rejects a payload that breaks the schema, on the server too', async () => {
    const reply = await raw.request(`${prefix}guard.system.ping`, JSON.stringify({ id: '1', pattern: 'guard.system.ping', data: { payload: 7 } }));
    const body = reply.json<ErrorReply>();
    expect(body.err?.code).toBe(RpcErrorCode.BadRequest);
    expect(body.err?.message).toContain('payload');
  });

  it('answers malformed, oversized and unknown-subject messages with a clear error', async () => {
    const malformed = (await raw.request(`${prefix}guard.system.ping`, 'not json')).json<ErrorReply>();
    expect(malformed.err?.code).toBe(RpcErrorCode.Malformed);

    const big = JSON.stringify({ id: '2', pattern: 'guard.system.ping', data: { payload: 'x'.repeat(300 * 1024) } });
    const oversized = (await raw.request(`${prefix}guard.system.ping`, big)).json<ErrorReply>();
    expect(oversized.err?.code).toBe(RpcErrorCode.PayloadTooLarge);

    const unknown = (await raw.request(`${prefix}guard.nothing.here`, JSON.stringify({ id: '3', data: {} }))).json<ErrorReply>();
    expect(unknown.err?.code).toBe(RpcErrorCode.UnknownSubject);
    expect(unknown.err?.message).toContain('guard.system.ping');

    // and the service keeps working
    expect((await guard.runtime.rpc.request(guardPing, { payload: 'still here' })).payload).toBe('still here');
  });

  it('refuses to send a request that breaks its contract', async () => {
    // @ts-expect-error the compiler rejects a wrong payload type
    const call = guard.runtime.rpc.request(guardPing, { payload: 42 });
    await expect(call).rejects.toMatchObject({ code: RpcErrorCode.BadRequest });
    await expect(guard.runtime.rpc.request(guardPing, { payload: 'x'.repeat(5000) })).rejects.toBeInstanceOf(RpcError);
  });
});

describe('jarvis-guard when NATS goes away', () => {
  let nats: NatsServerHandle;
  let db: TestDatabase;
  let guard: RunningService;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    db = await createTestDatabase('guard-outage');
    guard = await startService(serviceSpec, await serviceTestEnv({ databaseUrl: db.url, natsUrl: nats.url, subjectPrefix: uniqueSubjectPrefix() }));
  });

  afterAll(async () => {
    await guard?.close();
    await nats?.dispose();
    await db?.drop();
  });

  const healthOf = async () => {
    const response = await fetch(`${guard.url}/health`);
    return { status: response.status, body: (await response.json()) as { down: string[] } };
  };

  it('turns 503 naming NATS while it is down and recovers by itself', async () => {
    await waitFor(async () => (await healthOf()).status === 200, { message: 'healthy at first' });
    await nats.stop();
    const down = await waitFor(async () => {
      const h = await healthOf();
      return h.status === 503 ? h : undefined;
    }, { timeoutMs: 15_000, message: 'unhealthy after NATS stopped' });
    expect(down.body.down).toEqual(['nats']);
    await expect(guard.runtime.rpc.request(guardPing, { payload: 'x' })).rejects.toMatchObject({ code: RpcErrorCode.Unavailable });

    await nats.start();
    await waitFor(async () => (await healthOf()).status === 200, { timeoutMs: 15_000, message: 'healthy after NATS returned' });
    expect((await guard.runtime.rpc.request(guardPing, { payload: 'back' })).payload).toBe('back');
  });
});
