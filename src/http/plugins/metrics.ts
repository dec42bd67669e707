import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per server instance, so tests that build several servers in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hush_' });
  const duration = new Histogram({
    name: 'hush_http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    /** Observes every request by its route template (never the raw URL, which would explode label cardinality). */
    install(app: FastifyInstance) {
      app.addHook('onResponse', (request, reply, done) => {
        duration.observe(
          {
            method: request.method,
            route: request.routeOptions.url ?? 'unmatched',
            status_code: String(reply.statusCode),
          },
          reply.elapsedTime / 1000,
        );
        done();
      });
    },
  };
}
