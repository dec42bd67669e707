import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../../http/schemas.js';
import { absoluteUrl } from '../serializers.js';

/** `GET /api/` and `GET /api/status/`: anonymous, as pynetbox's `nb.version` needs (docs/wire/netbox.md §3.5). */
export function rootRoutes(info: {
  version: string;
  engines: () => string[];
  database: string;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/',
      {
        config: { hush: { access: 'public' } },
        schema: {
          operationId: 'api_root',
          tags: ['admin'],
          response: { 200: Type.Record(Type.String(), Type.String()) },
        },
      },
      async (request) => ({
        core: absoluteUrl(request, '/api/core/'),
        docs: absoluteUrl(request, '/api/docs/'),
        plugins: absoluteUrl(request, '/api/plugins/'),
        status: absoluteUrl(request, '/api/status/'),
        users: absoluteUrl(request, '/api/users/'),
      }),
    );

    app.get(
      '/api/status/',
      {
        config: { hush: { access: 'public' } },
        schema: {
          operationId: 'status',
          tags: ['admin'],
          response: {
            200: Type.Object({
              'hush-version': Type.String(),
              'netbox-version': Type.String(),
              'node-version': Type.String(),
              database: Type.String(),
              engines: Type.Array(Type.String()),
              installed_apps: Type.Record(Type.String(), Type.String()),
              plugins: Type.Record(Type.String(), Type.String()),
              'rq-workers-running': Type.Integer(),
            }),
          },
        },
      },
      async () => ({
        'hush-version': info.version,
        'netbox-version': '4.6.0',
        'node-version': process.versions.node,
        database: info.database,
        engines: info.engines(),
        installed_apps: {},
        plugins: {},
        'rq-workers-running': 0,
      }),
    );
  };
}
