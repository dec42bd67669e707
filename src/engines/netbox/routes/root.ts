import type { FastifyPluginAsync } from 'fastify';
import { absoluteUrl } from '../../../http/netbox-rest.js';
import { Root } from '../schema.js';

/** API roots: plugin, plugins, legacy, dcim, virtualization (docs/wire/netbox.md §3.1 "API root", §3.4 "Root"). */
export function rootRoutes(): FastifyPluginAsync {
  const roots: Record<string, Record<string, string>> = {
    '/api/plugins/': { secrets: '/api/plugins/secrets/' },
    '/api/plugins/secrets/': {
      'user-keys': '/api/plugins/secrets/user-keys/',
      'session-key': '/api/plugins/secrets/session-key/',
      'secret-roles': '/api/plugins/secrets/secret-roles/',
      secrets: '/api/plugins/secrets/secrets/',
      'generate-rsa-key-pair': '/api/plugins/secrets/generate-rsa-key-pair/',
    },
    '/api/secrets/': {
      'secret-roles': '/api/secrets/secret-roles/',
      secrets: '/api/secrets/secrets/',
      'get-session-key': '/api/secrets/get-session-key/',
      'generate-rsa-key-pair': '/api/secrets/generate-rsa-key-pair/',
    },
    '/api/dcim/': { devices: '/api/dcim/devices/' },
    '/api/virtualization/': { 'virtual-machines': '/api/virtualization/virtual-machines/' },
  };
  return async (app) => {
    for (const [path, links] of Object.entries(roots)) {
      app.get(path, { config: { hush: { access: 'authenticated' } }, schema: { hide: true, response: { 200: Root } } }, async (request) =>
        Object.fromEntries(Object.entries(links).map(([k, v]) => [k, absoluteUrl(request, v)])),
      );
    }
  };
}
