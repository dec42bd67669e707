import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { defaultStatus, HushError } from '../core/errors.js';
import type { Core } from '../core/index.js';
import { engineContext } from '../core/engine-context.js';
import { createReferenceRegistry } from '../core/references/registry.js';
import { createOverviewRegistry } from '../core/overview.js';
import type { EngineInstance, EngineManifest } from '../core/ports.js';
import { capConnections, socketTimeouts } from './connection-limits.js';
import { installErrorRenderer, sendError } from './errors.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { installJsonBodyParser } from './json-body.js';
import { installUnreadBodyDrain } from './unread-body.js';
import { lazyRequestLogger, loggerOptions, OneLinePerRequest, type LogStream } from './logging.js';
import { installChangeAudit, installPlaintextAudit } from './plugins/audit.js';
import { installCaller, requireDeclaredAccess, requireOwnPrefix } from './plugins/caller.js';
import { installIdempotency } from './plugins/idempotency.js';
import { installFiniteNumberCheck } from './plugins/finite-numbers.js';
import { createMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { systemRoutes } from './plugins/system.js';
import { installPublicUrl } from './public-url.js';
import { installConsole } from './console.js';
import { installRouteTable, recordRoutes } from './route-table.js';
import { NO_STORE, requestIdOf, SECURITY_HEADERS } from './response-headers.js';
import { installWriteOutcome } from './plugins/write-outcome.js';

type Renderer = EngineInstance['renderError'];

/** Errors outside any engine (health, metrics, unknown paths) use this plain shape. */
const systemRenderer: Renderer = (error) => ({
  status: defaultStatus[error.kind],
  body: { detail: error.message },
});

export interface ServerOptions {
  version: string;
  /** Replace the logger (tests pass `false`). */
  logger?: boolean;
  /** Where log lines go instead of standard output (a process embedding the server). */
  logStream?: LogStream;
}

/**
 * Longest path segment the router matches (Fastify's default is 100). A list name of 400 characters can be ~2,400
 * once percent-encoded; anything longer names nothing and is answered 404 by the owning engine.
 */
const MAX_PATH_SEGMENT = 4096;

/**
 * Shared plugins first, then one encapsulated context per engine with the core's hooks (caller, declared access,
 * plaintext audit) and the engine's own error envelope. Never listens: `main.ts` and the tests do that.
 */
export async function buildServer(
  core: Core,
  manifests: readonly EngineManifest[],
  options: ServerOptions,
): Promise<FastifyInstance> {
  const { config } = core;
  // Each engine is built once, before any route is registered, so every reference kind is known to every engine.
  const references = createReferenceRegistry();
  const overview = createOverviewRegistry();
  const engines: { manifest: EngineManifest; instance: EngineInstance }[] = [];
  for (const manifest of manifests) {
    const ctx = engineContext(core, manifest, references, overview);
    engines.push({ manifest, instance: await manifest.create(ctx) });
  }
  for (const { manifest, instance } of engines) {
    for (const resolver of instance.references ?? []) references.register(resolver);
    if (instance.overview) overview.register(manifest.name, (caller) => instance.overview!(caller));
  }

  // Each engine renders its own errors for unrouted paths: the longest matching prefix picks the engine.
  const byPrefix = engines
    .flatMap((e) => e.manifest.prefixes.map((prefix) => ({ prefix, engine: e.instance })))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const rendererFor = (path: string): Renderer => {
    const owner = byPrefix.find((p) => path.startsWith(p.prefix))?.engine;
    return owner ? (e, r) => owner.renderError(e, r) : systemRenderer;
  };
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config, options.logStream),
    logController: new OneLinePerRequest(),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // The client's X-Request-ID is used only when it looks like an id (response-headers.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    return503OnClosing: true,
    ...socketTimeouts(config.limits),
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
    frameworkErrors: frameworkErrorHandler(rendererFor),
    clientErrorHandler: clientErrorHandler(rendererFor),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  capConnections(app.server, config.limits, app.log);

  app.decorateRequest('caller', null);
  app.decorateRequest('auditReads', undefined);
  app.decorateRequest('unchanged', false);
  installPublicUrl(app, config.publicUrl);
  const routeTable = installRouteTable(app);
  installWriteOutcome(app, core);
  app.decorateRequest('idempotency', undefined);
  // Hooks of every request take `done` instead of returning a promise: an async hook costs a promise and a turn of
  // the microtask queue even when it has nothing to wait for (issue 18).
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', NO_STORE);
    done(null, payload);
  });
  installUnreadBodyDrain(app);
  installJsonBodyParser(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app, options.version);
  await installConsole(app);

  const metrics = createMetrics();
  metrics.install(app);
  // The root handler sees the errors of requests no route matched (a refused body, an unknown method): they are
  // rendered by the engine that owns the path, as its 404s are.
  installErrorRenderer(app, (e, r) => rendererFor(r.url.split('?')[0] ?? '')(e, r));
  installFiniteNumberCheck(app);

  await app.register(async (scope) => {
    installErrorRenderer(scope, systemRenderer);
    requireDeclaredAccess(scope, 'system', core.objectTypes);
    recordRoutes(scope, 'system', routeTable);
    installCaller(scope, core, 'system', undefined, undefined, { publicIgnoresCredentials: true });
    await scope.register(systemRoutes(core, metrics));
  });

  for (const { manifest, instance } of engines) {
    await app.register(async (scope) => {
      installErrorRenderer(scope, (e, r) => instance.renderError(e, r));
      requireDeclaredAccess(scope, manifest.name, core.objectTypes, { changes: true });
      requireOwnPrefix(scope, manifest.name, manifest.prefixes);
      recordRoutes(scope, manifest.name, routeTable);
      installCaller(
        scope,
        core,
        manifest.name,
        instance.extractCredential?.bind(instance),
        instance.authenticate?.bind(instance),
      );
      installChangeAudit(scope, core);
      installPlaintextAudit(scope, core, manifest);
      installIdempotency(scope, core);
      await scope.register(instance.routes);
    });
  }

  app.setNotFoundHandler((request: FastifyRequest, reply) =>
    sendError(rendererFor(request.url.split('?')[0] ?? ''), new HushError('not_found', 'Not found.'), request, reply),
  );

  return app;
}
