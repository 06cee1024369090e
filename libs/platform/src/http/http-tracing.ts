import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/** Probes and scrapes would drown real traces. */
const UNTRACED_ROUTES = new Set(['/health', '/metrics']);

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    return Array.isArray(value) ? value[0] : value;
  },
};

const spanOf = new WeakMap<FastifyRequest, Span>();

/**
 * One SERVER span per HTTP request, made in Fastify's own hooks: the caller's
 * W3C trace context is continued, the span is active for everything the route
 * does (logs carry its trace id, NATS requests carry it on), and it ends when
 * the response is finished or aborted (streams included). This replaces the
 * incoming side of OpenTelemetry's `node:http` instrumentation, which costs
 * several times more per request (it re-binds every request and response
 * emitter to the context); its outgoing side still traces HTTP clients.
 */
export function registerHttpTracing(fastify: FastifyInstance): void {
  const tracer = trace.getTracer('homelab-http');
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const queryAt = request.url.indexOf('?');
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': queryAt === -1 ? request.url : request.url.slice(0, queryAt),
          'url.scheme': request.protocol,
          ...(route === undefined ? {} : { 'http.route': route }),
          'client.address': request.ip,
        },
      },
      parent,
    );
    spanOf.set(request, span);
    reply.raw.once('close', () => {
      const status = reply.raw.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!reply.raw.writableFinished) span.setAttribute('http.response.aborted', true);
      span.end();
    });
    context.with(trace.setSpan(parent, span), done);
  });
}

/** The SERVER span of a request, for handlers that want to add attributes. */
export function requestSpan(request: FastifyRequest): Span | undefined {
  return spanOf.get(request);
}
