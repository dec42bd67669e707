import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../routes/common.js';

/** Placeholder until the GraphQL schema lands. */
export function graphqlRoutes(_s: Services): FastifyPluginAsync {
  return async () => {};
}
