import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ok } from '../envelope.js';
import { envelope, Gpgkey, IdParam, tags, User, UsersQuery } from '../schema.js';
import { gpgkeyJson } from '../serializers.js';
import type { UserService } from '../service/users.js';

const authenticated = { hush: { access: 'authenticated' } } as const;

/** /users and /gpgkeys (passbolt_api UsersIndexController, UsersViewController, GpgkeysIndexController). */
export function userRoutes(users: UserService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/users.json',
      {
        config: authenticated,
        schema: {
          operationId: 'passbolt_users_index',
          tags,
          querystring: UsersQuery,
          response: envelope(Type.Array(User)),
        },
      },
      async (request) => ok(request, await users.list(callerOf(request), request.query)),
    );

    app.get(
      '/users/:id.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_users_view', tags, params: IdParam, response: envelope(User) },
      },
      async (request) => ok(request, await users.view(callerOf(request), request.params.id)),
    );

    app.get(
      '/gpgkeys.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_gpgkeys_index', tags, response: envelope(Type.Array(Gpgkey)) },
      },
      async (request) => ok(request, await users.listKeys()),
    );

    app.get(
      '/gpgkeys/:id.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_gpgkeys_view', tags, params: IdParam, response: envelope(Gpgkey) },
      },
      async (request) => ok(request, await users.viewKey(request.params.id)),
    );

    // Beyond Passbolt (whose browser extension registers the key during setup): the caller registers their own key.
    app.post(
      '/gpgkeys.json',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: {
          operationId: 'passbolt_gpgkeys_add',
          tags,
          body: Type.Object({ armored_key: Type.String({ maxLength: 262144 }) }),
          response: envelope(Gpgkey),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const { key } = await users.setKey(caller.user.id, request.body.armored_key, auditActorOf(request));
        return ok(request, gpgkeyJson(key), 'The OpenPGP key has been registered.');
      },
    );
  };
}
