import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { activeTraceIds, createLogger, extractTraceContext, injectTraceContext, startTracing, tracer, type HeaderCarrier } from './index.js';

const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'tracing-spec', enabled: true, spanProcessors: [new SimpleSpanProcessor(exporter)] });

class MapCarrier implements HeaderCarrier {
  readonly values = new Map<string, string>();
  get(key: string): string {
    return this.values.get(key) ?? '';
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
}

function capture(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

describe('trace propagation', () => {
  it('round-trips the active span through message headers as W3C traceparent', () => {
    const span = tracer.startSpan('outgoing');
    const carrier = new MapCarrier();
    injectTraceContext(carrier, trace.setSpan(context.active(), span));
    expect(carrier.get('traceparent')).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
    const child = tracer.startSpan('incoming', {}, extractTraceContext(carrier));
    expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
    child.end();
    span.end();
  });

  it('starts a fresh trace when the headers carry none', () => {
    const ctx = extractTraceContext(new MapCarrier());
    expect(trace.getSpan(ctx)).toBeUndefined();
  });
});

describe('logger', () => {
  it('writes JSON with service, instance and the active trace ids, through the redaction hook', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'svc', instanceId: 'i-1', level: 'info', redact: (l) => l.replaceAll('hunter2', '[REDACTED]'), destination: stream });
    const span = tracer.startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => logger.info({ password: 'hunter2' }, 'inside'));
    logger.info('outside');
    span.end();
    expect(lines[0]).toMatchObject({ level: 'info', service: 'svc', instance: 'i-1', msg: 'inside', password: '[REDACTED]' });
    expect(lines[0]?.['trace_id']).toBe(span.spanContext().traceId);
    expect(lines[1]?.['trace_id']).toBeUndefined();
    expect(activeTraceIds()).toBeUndefined();
  });
});
