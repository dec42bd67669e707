import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EngineContext, EngineManifest, IdentityPort } from '../../core/ports.js';
import { documentRoutes } from '../../http/docs.js';
import { installIndentedJson, NetboxErrorOut } from '../../http/netbox-rest.js';
import { addApiVersion, renderAdminError } from './errors.js';
import { AdminAudit } from './events.js';
import { auditRoutes } from './routes/audit.js';
import { consoleRoutes } from './routes/console.js';
import { meRoutes } from './routes/me.js';
import { objectTypeRoutes } from './routes/object-types.js';
import { passwordRoutes } from './routes/password.js';
import { permissionRoutes } from './routes/permissions.js';
import { rootRoutes } from './routes/root.js';
import { sessionRoutes } from './routes/sessions.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

/** The identity port; the manifest declares `identity`, so the core always provides it. */
function identityOf(ctx: EngineContext): IdentityPort {
  if (!ctx.identity) throw new Error('The admin engine needs the identity port (manifest `identity: true`).');
  return ctx.identity;
}

/**
 * Hush's own administration API in NetBox's conventions (users, tokens, permissions, status, audit log), so
 * pynetbox and NetBox habits work. It owns no tables: it manages the core's identity and audit records through
 * `ctx.identity`.
 */
export function adminEngine(info: { version: string; engineNames: () => string[] }): EngineManifest {
  return {
    name: 'admin',
    prefixes: ['/api/users/', '/api/core/', '/api/status/', '/api/'],
    migrations: undefined,
    auditEvents: AdminAudit,
    identity: true,
    create(ctx) {
      const identity = identityOf(ctx);
      const routes: FastifyPluginAsyncTypebox = async (app) => {
        app.addHook('onRequest', addApiVersion);
        installIndentedJson(app);
        documentRoutes(app, NetboxErrorOut);
        await app.register(
          rootRoutes({ version: info.version, engines: info.engineNames, database: ctx.dialect.name }),
        );
        await app.register(userRoutes(identity));
        await app.register(tokenRoutes(ctx, identity, info.engineNames));
        await app.register(permissionRoutes(identity));
        await app.register(auditRoutes(identity));
        await app.register(sessionRoutes(ctx, identity));
        await app.register(meRoutes(identity));
        await app.register(
          consoleRoutes(identity, {
            idleMinutes: ctx.config.consoleIdleMinutes,
            clipboardSeconds: ctx.config.consoleClipboardSeconds,
          }),
        );
        await app.register(passwordRoutes(ctx, identity));
        await app.register(objectTypeRoutes(identity));
      };
      return { routes, renderError: renderAdminError };
    },
  };
}
