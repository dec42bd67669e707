import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EngineContext } from '../../../core/ports.js';
import { createPassboltContext } from '../service/context.js';
import { createResourceReader } from '../service/resources-read.js';
import { createResourceWriter } from '../service/resources-write.js';
import { createShareService } from '../service/share.js';
import { createUserService } from '../service/users.js';
import { resourceRoutes } from './resources.js';
import { shareRoutes } from './share.js';
import { userRoutes } from './users.js';

/**
 * Passbolt's API lives at the root (`/resources.json`, `/secrets/…`, `/auth/…`); these prefixes claim exactly those
 * trees so other engines' paths (`/api/`, `/v1/`) keep their own 404s.
 */
export const PASSBOLT_PREFIXES = ['/resources', '/resource-types', '/secrets/', '/share/', '/permissions/', '/users', '/gpgkeys', '/auth/', '/healthcheck/'] as const;

export function passboltRoutes(ctx: EngineContext): FastifyPluginAsyncTypebox {
  const pc = createPassboltContext(ctx);
  const reader = createResourceReader(pc);
  const writer = createResourceWriter(pc, reader);
  const users = createUserService(pc);
  const share = createShareService(pc);
  return async (app) => {
    await app.register(resourceRoutes(reader, writer, users));
    await app.register(shareRoutes(share));
    await app.register(userRoutes(users));
  };
}
