import type { FastifyInstance, FastifyPluginAsync, FastifyTypeProvider, RawServerDefault, RouteOptions } from 'fastify';
import type { TSchema } from './schemas.js';

/**
 * Shapes the OpenAPI document (plugins/openapi.ts) without changing what any route answers: @fastify/swagger reads
 * each route's options when the document is built, so these hooks only adjust what it will read.
 */

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

type Plugin<Provider extends FastifyTypeProvider> = FastifyPluginAsync<Record<never, never>, RawServerDefault, Provider>;

/**
 * Documents `error` as every 4xx and 5xx answer of the routes registered after this call in `scope` (a route's own
 * entries win). Only the document: errors are not serialized through it, each engine's renderer writes them as
 * they are, so no field of an error can be lost to a whitelist.
 */
export function documentErrors(scope: FastifyInstance, error: TSchema | { description: string; content: Record<string, { schema: TSchema }> }): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    route.config = {
      ...route.config,
      swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, response: { '4XX': error, '5XX': error, ...(schema?.response as object | undefined) } }, url }),
    };
  });
}
