import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdentityPort, UserId } from '../../../core/ports.js';
import { netboxPage } from '../../../http/netbox-rest.js';
import { auditActorOf, callerOf, pageLinks } from '../../../http/route-kit.js';
import { IdParams, paginated, Type } from '../../../http/schemas.js';
import { AdminListQuery, UserCreate, UserOut, UserUpdate } from '../schema.js';
import { userJson } from '../serializers.js';

const access = { objectType: 'users.user' } as const;

function toInput(body: {
  username?: string;
  password?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  kind?: 'person' | 'service';
  is_superuser?: boolean;
  is_staff?: boolean;
  is_active?: boolean;
}) {
  return {
    username: body.username,
    password: body.password,
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    kind: body.kind,
    isSuperuser: body.is_superuser ?? body.is_staff,
    isActive: body.is_active,
  };
}

export function userRoutes(identity: IdentityPort): FastifyPluginAsyncTypebox {
  const { users, identityAdmin: service } = identity;
  return async (app) => {
    app.get(
      '/api/users/users/',
      {
        config: { hush: { access } },
        schema: {
          operationId: 'users_list',
          tags: ['users'],
          querystring: AdminListQuery,
          response: { 200: paginated(UserOut) },
        },
      },
      async (request) => {
        const page = netboxPage(request.query);
        const { count, rows } = await users.list(page, request.query);
        return { count, ...pageLinks(request, page, count), results: rows.map((u) => userJson(request, u)) };
      },
    );

    app.post(
      '/api/users/users/',
      {
        config: { hush: { access, changesData: true } },
        schema: { operationId: 'users_create', tags: ['users'], body: UserCreate, response: { 201: UserOut } },
      },
      async (request, reply) => {
        const row = await service.createUser(callerOf(request), auditActorOf(request), {
          ...toInput(request.body),
          username: request.body.username,
        });
        return reply.status(201).send(userJson(request, row));
      },
    );

    app.get(
      '/api/users/users/:id/',
      {
        config: { hush: { access } },
        schema: { operationId: 'users_read', tags: ['users'], params: IdParams, response: { 200: UserOut } },
      },
      async (request) => userJson(request, await users.get(request.params.id)),
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: '/api/users/users/:id/',
        config: { hush: { access, changesData: true } },
        schema: {
          operationId: `users_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['users'],
          params: IdParams,
          body: UserUpdate,
          response: { 200: UserOut },
        },
        handler: async (request) =>
          userJson(
            request,
            await service.updateUser(
              callerOf(request),
              auditActorOf(request),
              request.params.id as UserId,
              toInput(request.body),
            ),
          ),
      });
    }

    app.delete(
      '/api/users/users/:id/',
      {
        config: { hush: { access, changesData: true } },
        schema: { operationId: 'users_delete', tags: ['users'], params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await service.deleteUser(callerOf(request), auditActorOf(request), request.params.id as UserId);
        return reply.status(204).send(null);
      },
    );
  };
}
