import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HushConfig } from '../../../core/ports.js';
import { documentRoutes } from '../../../http/docs.js';
import { ErrorEnvelope } from '../schema.js';
import type { PassboltServices } from '../service/index.js';
import { authRoutes } from './auth.js';
import { resourceRoutes } from './resources.js';
import { shareRoutes } from './share.js';
import { userRoutes } from './users.js';

/**
 * Passbolt's API lives at the root (`/resources.json`, `/secrets/…`, `/auth/…`); these prefixes claim exactly those
 * trees so other engines' paths (`/api/`, `/v1/`) keep their own 404s.
 */
export const PASSBOLT_PREFIXES = [
  '/resources',
  '/resource-types',
  '/secrets/',
  '/share/',
  '/permissions/',
  '/users',
  '/gpgkeys',
  '/auth/',
] as const;

export function passboltRoutes(s: PassboltServices, config: HushConfig): FastifyPluginAsyncTypebox {
  return async (app) => {
    documentRoutes(app, ErrorEnvelope);
    await app.register(resourceRoutes(s.reader, s.writer, s.users));
    await app.register(shareRoutes(s.share));
    await app.register(userRoutes(s.users));
    await app.register(authRoutes(s.auth, config));
  };
}
