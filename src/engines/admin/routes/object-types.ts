import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdentityPort } from '../../../core/ports.js';
import { Type } from '../../../http/schemas.js';

export const ObjectTypeOut = Type.Object({
  name: Type.String({ description: '`app_label.model`, as permissions name it' }),
  description: Type.String({ description: 'What holding a permission on it allows' }),
  actions: Type.Array(Type.String(), { description: 'The actions a permission may grant on it' }),
  object_id: Type.Union([Type.String(), Type.Null()], {
    description:
      'What `constraints: {"id": …}` names for this type (e.g. "an app id"), or null: it can only be granted whole',
  }),
});

/**
 * `GET /api/users/object-types/`: the object types and actions this server checks, and which of them can be granted
 * on one object, for permission editors (the console's picker; `hush admin permission types` prints the same).
 * Beyond NetBox (its `/api/core/object-types/` lists models); readable by whoever may view permissions.
 */
export function objectTypeRoutes(identity: IdentityPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/users/object-types/',
      {
        config: { hush: { access: { objectType: 'users.objectpermission', action: 'view' } } },
        schema: {
          operationId: 'users_object_types',
          tags: ['users'],
          summary: 'The object types and actions permissions can name',
          response: { 200: Type.Object({ results: Type.Array(ObjectTypeOut) }) },
        },
      },
      async () => ({
        results: identity.objectTypes.list().map((spec) => ({
          name: spec.name,
          description: spec.description,
          actions: [...spec.actions],
          object_id: spec.objectId ?? null,
        })),
      }),
    );
  };
}
