import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { checkReadiness } from '../../core/store/health.js';
import { documentRoutes } from '../docs.js';
import { DetailError, Type } from '../schemas.js';
import type { createMetrics } from './metrics.js';

const tags = ['system'];
const Health = Type.Object({ status: Type.String({ description: 'ok' }) });
const Readiness = Type.Object({
  status: Type.String({ description: 'ready, or unavailable (503)' }),
  database: Type.String({ description: 'sqlite or postgres' }),
  problem: Type.Optional(Type.String({ description: 'why not ready: database unavailable, or storage full' })),
});
const Alive = Type.Object({ message: Type.String(), status: Type.String() });

/**
 * The root answers as Phase's does (docs/wire/phase.md §3.2): its clients and probes call `/` to see the API is up.
 * It is served here rather than by the Phase engine, whose `/public/` twin gives the same body, because `/` as an
 * engine prefix would make that engine render every unknown path's 404. Its OpenAPI entry stays Phase's.
 */
const ROOT_ALIVE = {
  message: 'API is alive. Please see https://docs.phase.dev/public-api for the API documentation.',
  status: 'ok',
} as const;

/** Liveness, readiness and metrics: for load balancers and Prometheus, outside every engine's prefix. */
export function systemRoutes(core: Core, metrics: ReturnType<typeof createMetrics>) {
  return async (app: FastifyInstance) => {
    documentRoutes(app, DetailError);
    app.get(
      '/',
      {
        config: { hush: { access: 'public' } },
        schema: { operationId: 'phase_alive', tags: ['phase'], response: { 200: Alive } },
      },
      async () => ROOT_ALIVE,
    );

    app.get(
      '/healthz',
      {
        config: { hush: { access: 'public' } },
        schema: { operationId: 'healthz', tags, summary: 'Liveness: the process answers', response: { 200: Health } },
      },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        config: { hush: { access: 'public' } },
        schema: {
          operationId: 'readyz',
          tags,
          summary: 'Readiness: the database answers',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (request, reply) => {
        const database = core.store.dialect.name;
        const readiness = await checkReadiness(core.store);
        if (readiness.ready) return { status: 'ready', database };
        const problem = readiness.fault === 'storage_full' ? 'storage full' : 'database unavailable';
        request.log.warn({ err: readiness.cause, location: core.store.location }, `readiness check failed: ${problem}`);
        return reply.status(503).send({ status: 'unavailable', database, problem });
      },
    );

    // Authenticated: the figures reveal traffic patterns. Prometheus sends `Authorization: Bearer <token>`.
    app.get(
      '/metrics',
      {
        config: { hush: { access: { objectType: 'core.metrics', action: 'view' } } },
        schema: {
          operationId: 'metrics',
          tags,
          summary: 'Prometheus metrics (core.metrics view permission)',
          response: {
            200: {
              description: 'Prometheus text exposition format',
              content: { 'text/plain': { schema: Type.String() } },
            },
          },
        },
      },
      async (_request, reply) => {
        reply.header('content-type', metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    );
  };
}
