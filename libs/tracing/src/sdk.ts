import { context, isSpanContextValid, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  serviceName: string;
  enabled: boolean;
  /** OTLP/HTTP collector base URL; spans stay in-process when unset. */
  otlpEndpoint?: string | undefined;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

let started: { sdk: NodeSDK; serviceName: string } | undefined;

/**
 * Starts the OpenTelemetry SDK. Call it before anything else is imported
 * (each app's `instrument.ts` is the first import of its `main.ts`) so the
 * HTTP instrumentation can wrap `node:http` before Fastify loads it.
 * Without an exporter spans are still created, so trace ids reach the logs
 * and travel in NATS headers.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  if (!options.enabled) return { shutdown: async () => undefined };
  if (started) return { shutdown: () => started?.sdk.shutdown() ?? Promise.resolve() };
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = new URL('v1/traces', options.otlpEndpoint.endsWith('/') ? options.otlpEndpoint : `${options.otlpEndpoint}/`);
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: url.toString() })));
  }
  if (processors.length === 0) processors.push(new NoopSpanProcessor());
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: false,
    spanProcessors: processors,
    logRecordProcessors: [],
    metricReaders: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      // outgoing HTTP only: the services' own HTTP servers are traced by
      // @homelab/platform in Fastify's hooks, at a fraction of the cost
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    ],
  });
  sdk.start();
  started = { sdk, serviceName: options.serviceName };
  return { shutdown: () => sdk.shutdown() };
}

export const tracer = trace.getTracer('homelab');

/** The subset of NATS `MsgHdrs` that trace propagation needs. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<HeaderCarrier | undefined> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) => carrier?.get(key) || undefined,
};

export function injectTraceContext(carrier: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

export function extractTraceContext(carrier: HeaderCarrier | undefined): Context {
  return propagation.extract(context.active(), carrier, getter);
}

/** Trace and span id of the active span, for log lines and API answers. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}
