import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { guardPing, healthContracts, RpcError, RpcErrorCode } from '@homelab/contracts';
import { startService, type RunningService } from '@homelab/platform';
import {
  createTestDatabase,
  natsUrl,
  serviceTestEnv,
  databaseUrl,
  startNatsServer,
  startTcpProxy,
  uniqueSubjectPrefix,
  waitFor,
  type NatsServerHandle,
  type TcpProxy,
  type TestDatabase,
} from '@homelab/testing';
import { startTracing } from '@homelab/tracing';
import { serviceSpec } from './service.js';

startTracing({ serviceName: 'jarvis-guard', enabled: true });

interface ErrorReply {
  err?: { code: string; message: string };
}

class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

describe('jarvis-guard service (real NATS and PostgreSQL)', () => {
  let db: TestDatabase;
  let guard: RunningService;
  let raw: NatsConnection;
  const prefix = uniqueSubjectPrefix('guard');
  const logs = new LogCapture();
  const dataKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    db = await createTestDatabase('guard');
    const env = await serviceTestEnv({
      databaseUrl: db.url,
      natsUrl: natsUrl(),
      subjectPrefix: prefix,
      extra: { LOG_LEVEL: 'info', DATA_ENCRYPTION_KEYS: `k1:${dataKey}` },
    });
    guard = await startService(serviceSpec, env, { logDestination: logs });
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

  it('writes JSON logs that carry the caller\'s trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const headers = natsHeaders();
    headers.set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
    await raw.request(`${prefix}guard.system.ping`, '{broken', { headers, timeout: 2000 });
    const line = await waitFor(() => logs.lines.find((l) => l['msg'] === 'Refused malformed message' && l['trace_id'] === traceId), {
      message: 'warn line with the trace id',
    });
    expect(line).toMatchObject({ level: 'warn', service: 'jarvis-guard', subject: 'guard.system.ping' });
  });

  it('redacts loaded secret values from every log line', async () => {
    guard.runtime.logger.error({ detail: `key is ${dataKey}` }, `failed with ${dataKey}`);
    guard.runtime.logger.error({ err: new Error(`boom ${dataKey}`) }, 'error object');
    await waitFor(() => logs.raw.some((l) => l.includes('error object')));
    expect(logs.raw.join('\n')).not.toContain(dataKey);
    expect(logs.raw.join('\n')).toContain('[REDACTED]');
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

describe('jarvis-guard when its database goes away', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let guard: RunningService;

  beforeAll(async () => {
    db = await createTestDatabase('guard-db-outage');
    proxy = await startTcpProxy(Number(new URL(databaseUrl()).port || 5432));
    await proxy.cut();
    guard = await startService(serviceSpec, await serviceTestEnv({ databaseUrl: proxy.via(db.url), natsUrl: natsUrl(), subjectPrefix: uniqueSubjectPrefix() }));
  });

  afterAll(async () => {
    await guard?.close();
    await proxy?.close();
    await db?.drop();
  });

  const healthOf = async () => {
    const response = await fetch(`${guard.url}/health`);
    return { status: response.status, body: (await response.json()) as { down: string[]; checks: Record<string, { error?: string }> } };
  };

  it('starts without its database, reports it, and heals when it returns (also mid-run)', async () => {
    const atStart = await waitFor(async () => {
      const h = await healthOf();
      return h.body.down.includes('nats') ? undefined : h;
    }, { message: 'NATS connected' });
    expect(atStart.status).toBe(503);
    expect(atStart.body.down).toEqual(['database']);
    expect(atStart.body.checks['database']?.error).toBeTruthy();
    // NATS work goes on meanwhile
    expect((await guard.runtime.rpc.request(guardPing, { payload: 'db down' })).payload).toBe('db down');

    await proxy.restore();
    await waitFor(async () => (await healthOf()).status === 200, { timeoutMs: 20_000, message: 'healthy once the database is back' });

    await proxy.cut();
    const midRun = await waitFor(async () => {
      const h = await healthOf();
      return h.status === 503 ? h : undefined;
    }, { message: 'unhealthy after the database went away' });
    expect(midRun.body.down).toEqual(['database']);

    await proxy.restore();
    await waitFor(async () => (await healthOf()).status === 200, { timeoutMs: 20_000, message: 'healthy again' });
  });
});
