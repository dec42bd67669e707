import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { defaultStatus, HushError } from '../core/errors.js';
import { engineContext, type Core } from '../core/index.js';
import { createReferenceRegistry } from '../core/references/registry.js';
import type { EngineManifest } from '../core/ports.js';
import { installErrorRenderer, sendError } from './errors.js';
import { loggerOptions } from './logging.js';
import { installPlaintextAudit } from './plugins/audit.js';
import { installCaller, requireDeclaredAccess } from './plugins/caller.js';
import { installFiniteNumberCheck } from './plugins/finite-numbers.js';
import { createMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { systemRoutes } from './plugins/system.js';

/** Errors outside any engine (health, metrics, unknown paths) use this plain shape. */
const systemRenderer: EngineManifest['renderError'] = (error) => ({
  status: defaultStatus[error.kind],
  body: { detail: error.message },
});

export interface ServerOptions {
  version: string;
  /** Replace the logger (tests pass `false`). */
  logger?: boolean;
}


/**
 * Shared plugins first, then one encapsulated context per engine with the core's hooks (caller, declared access,
 * plaintext audit) and the engine's own error envelope. Never listens: `main.ts` and the tests do that.
 */
export async function buildServer(core: Core, engines: readonly EngineManifest[], options: ServerOptions): Promise<FastifyInstance> {
  const { config } = core;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('caller', null);
  app.decorateRequest('auditReads', undefined);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Secrets must not linger in browser or proxy caches.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  await app.register(helmet, { contentSecurityPolicy: false, global: true });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app, options.version);

  const metrics = createMetrics();
  metrics.install(app);
  // The root handler sees the errors of requests no route matched (a refused body, an unknown method): they are
  // rendered by the engine that owns the path, as its 404s are.
  installErrorRenderer(app, (e, r) => rendererFor(r)(e, r));
  installFiniteNumberCheck(app);

  await app.register(async (scope) => {
    installErrorRenderer(scope, systemRenderer);
    requireDeclaredAccess(scope, 'system');
    installCaller(scope, core, 'system');
    await scope.register(systemRoutes(core, metrics));
  });

  const references = createReferenceRegistry();
  const ctx = engineContext(core, references);
  // Every kind is known before the first request, whichever engine renders the template.
  for (const engine of engines) for (const resolver of engine.references?.(ctx) ?? []) references.register(resolver);
  for (const engine of engines) {
    await app.register(async (scope) => {
      installErrorRenderer(scope, (e, r) => engine.renderError(e, r));
      requireDeclaredAccess(scope, engine.name);
      installCaller(scope, core, engine.name, engine.extractCredential?.bind(engine), engine.authenticator?.(ctx));
      installPlaintextAudit(scope, core);
      await scope.register(engine.routes(ctx));
    });
  }

  // Each engine renders its own 404s: the longest matching prefix picks the engine.
  const byPrefix = engines.flatMap((e) => e.prefixes.map((prefix) => ({ prefix, engine: e }))).sort((a, b) => b.prefix.length - a.prefix.length);
  function rendererFor(request: FastifyRequest): EngineManifest['renderError'] {
    const path = request.url.split('?')[0] ?? '';
    const owner = byPrefix.find((p) => path.startsWith(p.prefix))?.engine;
    return owner ? (e, r) => owner.renderError(e, r) : systemRenderer;
  }
  app.setNotFoundHandler((request: FastifyRequest, reply) => sendError(rendererFor(request), new HushError('not_found', 'Not found.'), request, reply));

  return app;
}
