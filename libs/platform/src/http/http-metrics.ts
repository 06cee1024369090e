import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '@homelab/tracing';

/** Times every HTTP request by its route pattern (not the raw URL, which would explode cardinality). */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
