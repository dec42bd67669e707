import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { absoluteUrl } from '../../../http/netbox-rest.js';
import { Root } from '../schema.js';

/** API roots: plugin, plugins, legacy, dcim, virtualization (docs/wire/netbox.md §3.1 "API root", §3.4 "Root"). */
export function rootRoutes(): FastifyPluginAsyncTypebox {
  const roots: { path: string; operationId: string; links: Record<string, string> }[] = [
    { path: '/api/plugins/', operationId: 'plugins_root', links: { secrets: '/api/plugins/secrets/' } },
    {
      path: '/api/plugins/secrets/',
      operationId: 'plugin_root',
      links: {
        'user-keys': '/api/plugins/secrets/user-keys/',
        'session-key': '/api/plugins/secrets/session-key/',
        'secret-roles': '/api/plugins/secrets/secret-roles/',
        secrets: '/api/plugins/secrets/secrets/',
        'generate-rsa-key-pair': '/api/plugins/secrets/generate-rsa-key-pair/',
      },
    },
    {
      path: '/api/secrets/',
      operationId: 'legacy_root',
      links: {
        'secret-roles': '/api/secrets/secret-roles/',
        secrets: '/api/secrets/secrets/',
        'get-session-key': '/api/secrets/get-session-key/',
        'generate-rsa-key-pair': '/api/secrets/generate-rsa-key-pair/',
      },
    },
    { path: '/api/dcim/', operationId: 'dcim_root', links: { devices: '/api/dcim/devices/' } },
    {
      path: '/api/virtualization/',
      operationId: 'virtualization_root',
      links: { 'virtual-machines': '/api/virtualization/virtual-machines/' },
    },
  ];
  return async (app) => {
    for (const { path, operationId, links } of roots) {
      app.get(
        path,
        {
          config: { hush: { access: 'authenticated' } },
          schema: { operationId, tags: ['netbox'], response: { 200: Root } },
        },
        async (request) => Object.fromEntries(Object.entries(links).map(([k, v]) => [k, absoluteUrl(request, v)])),
      );
    }
  };
}
