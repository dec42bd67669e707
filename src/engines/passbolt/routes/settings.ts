import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { publicOrigin } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ok } from '../envelope.js';
import { envelope, tags } from '../schema.js';
import { DEFAULT_PASSWORD_POLICIES, ROLES, siteSettings } from '../service/settings.js';

const open = { hush: { access: 'public' } } as const;
const authenticated = { hush: { access: 'authenticated' } } as const;
const AnyObject = Type.Record(Type.String(), Type.Unknown());
const AnyList = Type.Array(AnyObject);

/**
 * The settings the extension loads at start: /settings.json (public, more once logged in), the caller's account
 * settings and UI permissions (none stored: the client's defaults apply), password policies (Passbolt's defaults),
 * roles, and the health probe Passbolt's clients use.
 */
export function settingsRoutes(hushVersion: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/settings.json',
      { config: open, schema: { operationId: 'passbolt_settings_index', tags, response: envelope(AnyObject) } },
      async (request) => ok(request, siteSettings(publicOrigin(request), request.caller !== null, hushVersion)),
    );
    app.get(
      '/account/settings.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_account_settings_index', tags, response: envelope(AnyList) },
      },
      async (request) => ok(request, []),
    );
    app.get(
      '/healthcheck/status.json',
      {
        config: open,
        schema: { operationId: 'passbolt_healthcheck_status', tags, response: envelope(Type.String()) },
      },
      async (request) => ok(request, 'OK', 'OK'),
    );
    app.get(
      '/password-policies/settings.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_password_policies_settings', tags, response: envelope(AnyObject) },
      },
      async (request) => ok(request, DEFAULT_PASSWORD_POLICIES),
    );
    app.get(
      '/rbacs/me.json',
      { config: authenticated, schema: { operationId: 'passbolt_rbacs_me', tags, response: envelope(AnyList) } },
      async (request) => ok(request, []),
    );
    app.get(
      '/roles.json',
      { config: authenticated, schema: { operationId: 'passbolt_roles_index', tags, response: envelope(AnyList) } },
      async (request) => ok(request, ROLES),
    );
  };
}
