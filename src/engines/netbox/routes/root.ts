import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { absoluteUrl } from '../../../http/netbox-rest.js';
import { Type } from '../../../http/schemas.js';
import { Root } from '../schema.js';

/** The one plugin Hush speaks for: netbox-secrets 3.1.1 (the engine README names the upstream commit). */
const INSTALLED_PLUGIN = {
  name: 'netbox_secrets',
  package: 'netbox_secrets',
  author: 'Hush',
  author_email: '',
  description: 'Secrets, secret roles and user keys (served by Hush)',
  verbose_name: 'NetBox Secrets',
  version: '3.1.1',
};

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
    // pynetbox's `nb.plugins.installed_plugins()`; NetBox lists each plugin's config (netbox/netbox/api/views.py).
    app.get(
      '/api/plugins/installed-plugins/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'plugins_installed',
          tags: ['netbox'],
          response: { 200: Type.Array(Type.Record(Type.String(), Type.String())) },
        },
      },
      async () => [INSTALLED_PLUGIN],
    );
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
