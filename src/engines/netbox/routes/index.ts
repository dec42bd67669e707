import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { documentRoutes } from '../../../http/docs.js';
import { apiVersionHook, installIndentedJson } from '../../../http/netbox-rest.js';
import { SecretsErrorOut } from '../schema.js';
import type { Services } from './common.js';
import { inventoryRoutes } from './inventory.js';
import { keyRoutes } from './keys.js';
import { roleRoutes } from './roles.js';
import { rootRoutes } from './root.js';
import { secretRoutes } from './secrets.js';
import { userKeyRoutes } from './user-keys.js';
import { graphqlRoutes } from '../graphql/route.js';
import { aliasRoutes } from './aliases.js';

export const NETBOX_PREFIXES = [
  '/api/plugins/secrets/',
  '/api/plugins/',
  '/api/secrets/',
  '/api/dcim/',
  '/api/virtualization/',
  '/graphql/',
];

export function netboxRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    documentRoutes(app, SecretsErrorOut);
    // NetBox 2.x (and pynetbox's get-session-key call) send form bodies; NetBox 4.x would answer 415, Hush accepts both.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body: string, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body)));
      },
    );
    const plugin = apiVersionHook('4.6');
    const legacy = apiVersionHook('2.11');
    app.addHook('onRequest', (request, reply, done) =>
      (request.url.startsWith('/api/secrets/') ? legacy : plugin)(request, reply, done),
    );
    installIndentedJson(app);
    await app.register(rootRoutes());
    await app.register(keyRoutes(services));
    await app.register(userKeyRoutes(services));
    await app.register(aliasRoutes(services));
    for (const isLegacy of [false, true]) {
      await app.register(roleRoutes(services, isLegacy));
      await app.register(secretRoutes(services, isLegacy));
    }
    await app.register(inventoryRoutes(services));
    await app.register(graphqlRoutes(services));
  };
}
