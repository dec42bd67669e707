import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { IdentityPort, PermissionId, PermissionRecord } from '../../../core/ports.js';
import { netboxPage } from '../../../http/netbox-rest.js';
import { auditActorOf, callerOf, pageLinks } from '../../../http/route-kit.js';
import { IdParams, paginated, Type } from '../../../http/schemas.js';
import { AdminListQuery, PermissionCreate, PermissionOut, PermissionUpdate } from '../schema.js';
import { permissionJson } from '../serializers.js';

const access = { objectType: 'users.objectpermission' } as const;

type PermissionBody = {
  name?: string;
  description?: string;
  enabled?: boolean;
  object_types?: string[];
  actions?: string[];
  constraints?: { id: string | number } | null;
  users?: number[];
};

function toInput(b: PermissionBody) {
  return {
    name: b.name,
    description: b.description,
    enabled: b.enabled,
    objectTypes: b.object_types,
    actions: b.actions,
    objectId: b.constraints === undefined ? undefined : b.constraints === null ? null : String(b.constraints.id),
    userIds: b.users,
  };
}

export function permissionRoutes(identity: IdentityPort): FastifyPluginAsyncTypebox {
  const { permissions, identityAdmin: service } = identity;
  const render = async (request: FastifyRequest, p: PermissionRecord) =>
    permissionJson(request, p, await service.usersByIds(p.userIds));

  return async (app) => {
    app.get(
      '/api/users/permissions/',
      {
        config: { hush: { access } },
        schema: {
          operationId: 'permissions_list',
          tags: ['users'],
          querystring: AdminListQuery,
          response: { 200: paginated(PermissionOut) },
        },
      },
      async (request) => {
        const page = netboxPage(request.query);
        const { count, rows } = await permissions.list(page, request.query);
        return {
          count,
          ...pageLinks(request, page, count),
          results: await Promise.all(rows.map((p) => render(request, p))),
        };
      },
    );

    app.post(
      '/api/users/permissions/',
      {
        config: { hush: { access, changesData: true } },
        schema: {
          operationId: 'permissions_create',
          tags: ['users'],
          body: PermissionCreate,
          response: { 201: PermissionOut },
        },
      },
      async (request, reply) => {
        const input = toInput(request.body);
        const record = await service.createPermission(callerOf(request), auditActorOf(request), {
          ...input,
          name: request.body.name,
          objectTypes: request.body.object_types,
          actions: request.body.actions,
          userIds: input.userIds ?? [],
        });
        return reply.status(201).send(await render(request, record));
      },
    );

    app.get(
      '/api/users/permissions/:id/',
      {
        config: { hush: { access } },
        schema: {
          operationId: 'permissions_read',
          tags: ['users'],
          params: IdParams,
          response: { 200: PermissionOut },
        },
      },
      async (request) => render(request, await permissions.get(request.params.id)),
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: '/api/users/permissions/:id/',
        config: { hush: { access, changesData: true } },
        schema: {
          operationId: `permissions_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['users'],
          params: IdParams,
          body: PermissionUpdate,
          response: { 200: PermissionOut },
        },
        handler: async (request) =>
          render(
            request,
            await service.updatePermission(
              callerOf(request),
              auditActorOf(request),
              request.params.id as PermissionId,
              toInput(request.body),
            ),
          ),
      });
    }

    app.delete(
      '/api/users/permissions/:id/',
      {
        config: { hush: { access, changesData: true } },
        schema: {
          operationId: 'permissions_delete',
          tags: ['users'],
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await service.deletePermission(callerOf(request), auditActorOf(request), request.params.id as PermissionId);
        return reply.status(204).send(null);
      },
    );
  };
}
