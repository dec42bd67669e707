import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdentityPort } from '../../../core/ports.js';
import { callerOf } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { UserOut } from '../schema.js';
import { tokenJson, userJson } from '../serializers.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * `GET /api/users/me/`: who the credential belongs to, for `hush whoami` and scripts checking a token. Beyond
 * NetBox (its API has no such view); any authenticated caller may read their own record and current token.
 */
export function meRoutes(identity: IdentityPort): FastifyPluginAsyncTypebox {
  const { users, tokens } = identity;
  return async (app) => {
    // NetBox's `GET /api/users/config/`: the caller's UI preferences. Hush keeps none, so it is always `{}`.
    app.get(
      '/api/users/config/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'users_config',
          tags: ['users'],
          response: { 200: Type.Object({}, { additionalProperties: true }) },
        },
      },
      async () => ({}),
    );

    app.get(
      '/api/users/me/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'users_me',
          tags: ['users'],
          response: {
            200: Type.Object({
              user: UserOut,
              token: Nullable(
                Type.Object({
                  id: Type.Integer(),
                  display: Type.String(),
                  description: Type.String(),
                  expires: Nullable(Type.String()),
                  write_enabled: Type.Boolean(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const user = await users.get(caller.user.id);
        const token = caller.tokenId === null ? null : tokenJson(request, await tokens.get(caller.tokenId), user);
        return {
          user: userJson(request, user),
          token: token && {
            id: token.id,
            display: token.display,
            description: token.description,
            expires: token.expires,
            write_enabled: token.write_enabled,
          },
        };
      },
    );
  };
}
