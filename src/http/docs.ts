import type { FastifyInstance, FastifyPluginAsync, FastifyTypeProvider, RawServerDefault, RouteOptions } from 'fastify';
import type { TSchema } from './schemas.js';

/**
 * Shapes the OpenAPI document (plugins/openapi.ts) without changing what any route answers: @fastify/swagger reads
 * each route's options when the document is built, so these hooks only adjust what it will read.
 */

type Plugin<Provider extends FastifyTypeProvider> = FastifyPluginAsync<
  Record<never, never>,
  RawServerDefault,
  Provider
>;
/** A schema, or a response object with one schema per media type. */
type Answer = TSchema | { description: string; content: Record<string, { schema: TSchema }> };

/**
 * Serves every route `plugin` registers but leaves it out of the document: for aliases of documented routes
 * (another mount prefix, an older path), so each operation is listed once, under one operationId.
 */
export function undocumented<Provider extends FastifyTypeProvider>(plugin: Plugin<Provider>): Plugin<Provider> {
  return async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    await scope.register(plugin);
  };
}

/**
 * Completes the document entry of every route registered after this call in `scope`: `error` as its 4xx and 5xx
 * answer, and no credentials asked of a public route (a route's own entries win). Only the document: errors are
 * not serialized through `error`, each engine's renderer writes them as they are, so no field of an error is lost.
 */
export function documentRoutes(scope: FastifyInstance, error: Answer): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    const isPublic = route.config?.hush?.access === 'public';
    route.config = {
      ...route.config,
      swaggerTransform: ({ schema, url }) => ({
        schema: {
          ...(isPublic ? { security: [] } : {}),
          ...schema,
          response: { '4XX': error, '5XX': error, ...(schema?.response as object | undefined) },
        },
        url,
      }),
    };
  });
}
