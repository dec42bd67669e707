import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { HushConfig } from '../../../core/ports.js';
import { PASSBOLT_ACTIONS } from '../actions.js';
import { documentRoutes } from '../../../http/docs.js';
import { installPhpJson } from '../php-json.js';
import { ErrorEnvelope } from '../schema.js';
import type { PassboltServices } from '../service/index.js';
import { authRoutes } from './auth.js';
import { gpgAuthRoutes, installGpgAuthHeaders } from './gpgauth.js';
import { groupRoutes } from './groups.js';
import { resourceRoutes } from './resources.js';
import { settingsRoutes } from './settings.js';
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
  // Passbolt's other trees (config/routes.php and its plugins' routes): what Hush does not serve still answers in
  // Passbolt's envelope, so the extension reads a 404 as a missing feature instead of failing on another shape.
  '/settings',
  '/account/',
  '/healthcheck',
  '/locale/',
  '/rbacs',
  '/roles',
  '/groups',
  '/folders',
  '/favorites/',
  '/comments/',
  '/tags',
  '/metadata/',
  '/password-policies/',
  '/password-generator/',
  '/password-expiry/',
  '/user-passphrase-policies/',
  '/mfa',
  '/mfa-policies/',
  '/account-recovery/',
  '/sso/',
  '/setup/',
  '/move/',
  '/mobile/',
  '/secret-revisions',
  '/self-registration/',
  '/directorysync/',
  '/smtp/',
  '/scim/',
  '/export-policies/',
  '/actionlog/',
  '/ee/',
  '/avatars/',
] as const;

export function passboltRoutes(s: PassboltServices, config: HushConfig): FastifyPluginAsyncTypebox {
  return async (app) => {
    documentRoutes(app, ErrorEnvelope);
    installPhpJson(app);
    installGpgAuthHeaders(app);
    requireActionNames(app);
    await app.register(resourceRoutes(s.reader, s.writer, s.users));
    await app.register(shareRoutes(s.share, s.users));
    await app.register(groupRoutes(s.groups));
    await app.register(userRoutes(s.users));
    await app.register(authRoutes(s.auth, config));
    await app.register(gpgAuthRoutes(s.gpgauth, config));
    await app.register(settingsRoutes(s.pc.ctx.version));
  };
}

/** Refuses at boot a route whose Passbolt action name is unknown: its envelopes would name another endpoint. */
function requireActionNames(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    if (!operationId || !PASSBOLT_ACTIONS[operationId])
      throw new Error(`Passbolt route ${route.method} ${route.url} has no action name (actions.ts).`);
  });
}
