import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing } from '@homelab/tracing';
import { registerHttpTracing } from './http-tracing.js';

// Real: the OpenTelemetry SDK (in-memory exporter), Fastify on a loopback port, fetch.
const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'http-tracing-test', enabled: true, spanProcessors: [new SimpleSpanProcessor(exporter)] });

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

describe('registerHttpTracing', () => {
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = Fastify({ forceCloseConnections: true });
    registerHttpTracing(app);
    app.get('/api/things/:id', async () => {
      // the span is active inside the handler, across awaits
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { traceId: trace.getSpan(context.active())?.spanContext().traceId ?? null };
    });
    app.get('/health', async () => ({ ok: true }));
    app.get('/api/broken', async () => {
      throw new Error('boom');
    });
    app.get('/api/stream', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write('event: tick\ndata: {}\n\n');
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => exporter.reset());

  it('continues the caller\'s trace with one SERVER span named by the route, active in the handler', async () => {
    const response = await fetch(`${base}/api/things/42?verbose=1`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` } });
    expect(await response.json()).toEqual({ traceId: TRACE_ID });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /api/things/:id');
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(span?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/api/things/42', 'http.route': '/api/things/:id', 'http.response.status_code': 200 });
  });

  it('starts a new trace without a traceparent, marks 5xx as errors, and leaves /health alone', async () => {
    await fetch(`${base}/health`);
    await fetch(`${base}/api/broken`);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['GET /api/broken']);
    expect(spans[0]?.attributes['http.response.status_code']).toBe(500);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.parentSpanContext).toBeUndefined();
  });

  it('ends the span of a stream when the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream`, { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    controller.abort();
    await expect.poll(() => exporter.getFinishedSpans().length).toBe(1);
    expect(exporter.getFinishedSpans()[0]?.attributes).toMatchObject({ 'http.route': '/api/stream', 'http.response.aborted': true });
  });
});
