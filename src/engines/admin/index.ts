import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LegacyEngineContext as EngineContext, LegacyEngineManifest as EngineManifest } from '../../core/ports.js';
import { documentRoutes } from '../../http/docs.js';
import { NetboxErrorOut } from '../../http/netbox-rest.js';
import { addApiVersion, renderAdminError } from './errors.js';
import { auditRoutes } from './routes/audit.js';
import { consoleRoutes } from './routes/console.js';
import { meRoutes } from './routes/me.js';
import { permissionRoutes } from './routes/permissions.js';
import { rootRoutes } from './routes/root.js';
import { sessionRoutes } from './routes/sessions.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

/**
 * Hush's own administration API in NetBox's conventions (users, tokens, permissions, status, audit log), so
 * pynetbox and NetBox habits work. It owns no tables: it manages the core's identity and audit records.
 */
export function adminEngine(info: { version: string; engineNames: () => string[] }): EngineManifest {
  return {
    name: 'admin',
    prefixes: ['/api/users/', '/api/core/', '/api/status/', '/api/'],
    migrations: undefined,
    renderError: renderAdminError,
    routes: (ctx: EngineContext): FastifyPluginAsyncTypebox => async (app) => {
      const service = ctx.core.identityAdmin;
      app.addHook('onRequest', addApiVersion);
      documentRoutes(app, NetboxErrorOut);
      await app.register(rootRoutes({ version: info.version, engines: info.engineNames, database: ctx.dialect.name }));
      await app.register(userRoutes(ctx, service));
      await app.register(tokenRoutes(ctx, service));
      await app.register(permissionRoutes(ctx, service));
      await app.register(auditRoutes(ctx));
      await app.register(sessionRoutes(ctx));
      await app.register(meRoutes(ctx));
      await app.register(consoleRoutes(ctx));
    },
  };
}
