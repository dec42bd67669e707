import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { checkReadiness } from '../../core/store/health.js';
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
      const database = core.store.dialect.name;
      const readiness = await checkReadiness(core.store);
      if (readiness.ready) return { status: 'ready', database };
      const problem = readiness.fault === 'storage_full' ? 'storage full' : 'database unavailable';
      request.log.warn({ err: readiness.cause, location: core.store.location }, `readiness check failed: ${problem}`);
      return reply.status(503).send({ status: 'unavailable', database, problem });
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
