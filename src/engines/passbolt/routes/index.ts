import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LegacyEngineContext as EngineContext } from '../../../core/ports.js';
import { documentRoutes } from '../../../http/docs.js';
import { ErrorEnvelope } from '../schema.js';
import { createAuthService } from '../service/auth.js';
import { createPassboltContext } from '../service/context.js';
import { createResourceReader } from '../service/resources-read.js';
import { createResourceWriter } from '../service/resources-write.js';
import { createServerKeys } from '../service/server-keys.js';
import { createShareService } from '../service/share.js';
import { createUserService } from '../service/users.js';
import { authRoutes } from './auth.js';
import { resourceRoutes } from './resources.js';
import { shareRoutes } from './share.js';
import { userRoutes } from './users.js';

/**
 * Passbolt's API lives at the root (`/resources.json`, `/secrets/…`, `/auth/…`); these prefixes claim exactly those
 * trees so other engines' paths (`/api/`, `/v1/`) keep their own 404s.
 */
export const PASSBOLT_PREFIXES = ['/resources', '/resource-types', '/secrets/', '/share/', '/permissions/', '/users', '/gpgkeys', '/auth/'] as const;

// One set of services per server: the routes and the authenticator share the server keys' cache.
const byContext = new WeakMap<EngineContext, ReturnType<typeof compose>>();

function compose(ctx: EngineContext) {
  const pc = createPassboltContext(ctx);
  const reader = createResourceReader(pc);
  return {
    pc,
    reader,
    writer: createResourceWriter(pc, reader),
    users: createUserService(pc),
    share: createShareService(pc),
    auth: createAuthService(pc, createServerKeys(pc)),
  };
}

export function passboltServices(ctx: EngineContext) {
  let services = byContext.get(ctx);
  if (!services) {
    services = compose(ctx);
    byContext.set(ctx, services);
  }
  return services;
}

export function passboltRoutes(ctx: EngineContext): FastifyPluginAsyncTypebox {
  const s = passboltServices(ctx);
  return async (app) => {
    documentRoutes(app, ErrorEnvelope);
    await app.register(resourceRoutes(s.reader, s.writer, s.users));
    await app.register(shareRoutes(s.share));
    await app.register(userRoutes(s.users));
    await app.register(authRoutes(s.auth, ctx.config));
  };
}
