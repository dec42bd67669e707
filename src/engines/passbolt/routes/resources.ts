import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditEvent } from '../../../core/ports.js';
import { auditActorOf, callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ok } from '../envelope.js';
import { notFoundError } from '../errors.js';
import { RESOURCE_TYPES } from '../resource-types.js';
import {
  ContainQuery,
  envelope,
  IdParam,
  NoBody,
  PermissionQuery,
  PermissionWithHolder,
  ResourceCreated,
  Resource,
  ResourceType,
  ResourceWithContain,
  ResourcesQuery,
  Secret,
  tags,
} from '../schema.js';
import type { ResourceReader } from '../service/resources-read.js';
import type { ResourceWriter } from '../service/resources-write.js';
import { permissionJson, resourceJson } from '../serializers.js';
import type { UserService } from '../service/users.js';

const authenticated = { hush: { access: 'authenticated' } } as const;
const changes = { hush: { access: 'authenticated', changesData: true } } as const;
/** Routes that may hand out secret copies: the core audits what they record, and fails closed if they forget. */
const handsOutSecrets = { hush: { access: 'authenticated', returnsPlaintext: true } } as const;

/** /resources, /secrets/resource, /resource-types and /permissions/resource (passbolt_api config/routes.php). */
export function resourceRoutes(
  reader: ResourceReader,
  writer: ResourceWriter,
  users: UserService,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/resources.json',
      {
        config: handsOutSecrets,
        schema: {
          operationId: 'passbolt_resources_index',
          tags,
          querystring: ResourcesQuery,
          response: envelope(Type.Array(ResourceWithContain)),
        },
      },
      async (request) => {
        const reads: AuditEvent[] = [];
        const body = await reader.list(callerOf(request), request.query, reads);
        recordPlaintextReads(request, reads);
        return ok(request, body);
      },
    );

    app.get(
      '/resources/:id.json',
      {
        config: handsOutSecrets,
        schema: {
          operationId: 'passbolt_resources_view',
          tags,
          params: IdParam,
          querystring: ContainQuery,
          response: envelope(ResourceWithContain),
        },
      },
      async (request) => {
        const reads: AuditEvent[] = [];
        const body = await reader.view(callerOf(request), request.params.id, request.query, reads);
        recordPlaintextReads(request, reads);
        return ok(request, body);
      },
    );

    app.post(
      '/resources.json',
      { config: changes, schema: { operationId: 'passbolt_resources_add', tags, response: envelope(ResourceCreated) } },
      async (request) => {
        const row = await writer.create(callerOf(request), auditActorOf(request), request.body);
        return ok(
          request,
          {
            ...resourceJson(row),
            permission: permissionJson({
              id: row.perm_id,
              aco: 'Resource',
              aco_foreign_key: row.id,
              aro: 'User',
              aro_foreign_key: row.created_by,
              type: row.perm_type,
              created: row.perm_created,
              modified: row.perm_modified,
            }),
          },
          'The resource has been added successfully.',
        );
      },
    );

    app.put(
      '/resources/:id.json',
      {
        config: changes,
        schema: { operationId: 'passbolt_resources_update', tags, params: IdParam, response: envelope(Resource) },
      },
      async (request) => {
        const row = await writer.update(callerOf(request), auditActorOf(request), request.params.id, request.body);
        return ok(request, resourceJson(row), 'The resource has been updated successfully.');
      },
    );

    app.delete(
      '/resources/:id.json',
      {
        config: changes,
        schema: { operationId: 'passbolt_resources_delete', tags, params: IdParam, response: envelope(NoBody) },
      },
      async (request) => {
        await writer.remove(callerOf(request), auditActorOf(request), request.params.id);
        return ok(request, null, 'The resource has been deleted successfully.');
      },
    );

    app.get(
      '/secrets/resource/:id.json',
      {
        config: handsOutSecrets,
        schema: { operationId: 'passbolt_secrets_view', tags, params: IdParam, response: envelope(Secret) },
      },
      async (request) => {
        const reads: AuditEvent[] = [];
        const body = await reader.secret(callerOf(request), request.params.id, reads);
        recordPlaintextReads(request, reads);
        return ok(request, body);
      },
    );

    app.get(
      '/resource-types.json',
      {
        config: authenticated,
        schema: { operationId: 'passbolt_resource_types_index', tags, response: envelope(Type.Array(ResourceType)) },
      },
      async (request) => ok(request, [...RESOURCE_TYPES]),
    );

    app.get(
      '/resource-types/:id.json',
      {
        config: authenticated,
        schema: {
          operationId: 'passbolt_resource_types_view',
          tags,
          params: IdParam,
          response: envelope(ResourceType),
        },
      },
      async (request) => {
        const type = RESOURCE_TYPES.find((t) => t.id === request.params.id.toLowerCase());
        if (!type) throw notFoundError('The resource type does not exist.');
        return ok(request, type);
      },
    );

    app.get(
      '/permissions/resource/:id.json',
      {
        config: authenticated,
        schema: {
          operationId: 'passbolt_permissions_view',
          tags,
          params: IdParam,
          querystring: PermissionQuery,
          response: envelope(Type.Array(PermissionWithHolder)),
        },
      },
      async (request) =>
        ok(
          request,
          await users.permissionsOf(callerOf(request), request.params.id, request.query as Record<string, unknown>),
        ),
    );
  };
}
