import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { ping } from '../../core/store/dialect.js';
import type { createMetrics } from './metrics.js';

/** Liveness, readiness and metrics: for load balancers and Prometheus, outside every engine's prefix. */
export function systemRoutes(core: Core, metrics: ReturnType<typeof createMetrics>) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', {
      config: { hush: { access: 'public' } },
      schema: { hide: true },
    }, async () => ({ status: 'ok' }));

    app.get('/readyz', {
      config: { hush: { access: 'public' } },
      schema: { hide: true },
    }, async (request, reply) => {
      try {
        await ping(core.store.db);
        return { status: 'ready', database: core.store.dialect.name };
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed: database unreachable');
        return reply.status(503).send({ status: 'unavailable', database: core.store.dialect.name });
      }
    });

    // Authenticated: the figures reveal traffic patterns. Prometheus sends `Authorization: Bearer <token>`.
    app.get('/metrics', {
      config: { hush: { access: { objectType: 'core.metrics', action: 'view' } } },
      schema: { hide: true },
    }, async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  };
}
