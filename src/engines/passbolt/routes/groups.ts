import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditEvent } from '../../../core/ports.js';
import { auditActorOf, callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ok } from '../envelope.js';
import { envelope, GroupDryRun, GroupsQuery, GroupWithContain, IdParam, NoBody, Resource, tags } from '../schema.js';
import type { GroupService } from '../service/groups.js';

const authenticated = { hush: { access: 'authenticated' } } as const;
const changes = { hush: { access: 'authenticated', changesData: true } } as const;
/** The update's dry run hands out the caller's own copies, to be encrypted again for the new members. */
const handsOutSecrets = { hush: { access: 'authenticated', returnsPlaintext: true } } as const;
const simulation = { hush: { access: 'authenticated', changesData: false } } as const;

/** /groups.json, /groups/{id}.json and their dry runs (passbolt_api config/routes.php, GroupsController family). */
export function groupRoutes(groups: GroupService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/groups.json',
      {
        config: authenticated,
        schema: {
          operationId: 'passbolt_groups_index',
          tags,
          querystring: GroupsQuery,
          response: envelope(Type.Array(GroupWithContain)),
        },
      },
      async (request) => ok(request, await groups.list(callerOf(request), request.query as Record<string, unknown>)),
    );

    app.get(
      '/groups/:id.json',
      {
        config: authenticated,
        schema: {
          operationId: 'passbolt_groups_view',
          tags,
          params: IdParam,
          querystring: GroupsQuery,
          response: envelope(GroupWithContain),
        },
      },
      async (request) =>
        ok(request, await groups.view(callerOf(request), request.params.id, request.query as Record<string, unknown>)),
    );

    app.post(
      '/groups.json',
      {
        config: changes,
        schema: {
          operationId: 'passbolt_groups_add',
          tags,
          querystring: GroupsQuery,
          response: envelope(GroupWithContain),
        },
      },
      async (request) =>
        ok(
          request,
          await groups.create(
            callerOf(request),
            auditActorOf(request),
            request.body,
            request.query as Record<string, unknown>,
          ),
          'The group has been added successfully.',
        ),
    );

    app.put(
      '/groups/:id/dry-run.json',
      {
        config: { hush: { ...handsOutSecrets.hush, ...simulation.hush } },
        schema: {
          operationId: 'passbolt_groups_update_dry_run',
          tags,
          params: IdParam,
          response: envelope(GroupDryRun),
        },
      },
      async (request) => {
        const reads: AuditEvent[] = [];
        const body = await groups.dryRun(callerOf(request), request.params.id, request.body, reads);
        recordPlaintextReads(request, reads);
        return ok(request, body);
      },
    );

    app.put(
      '/groups/:id.json',
      {
        config: changes,
        schema: { operationId: 'passbolt_groups_update', tags, params: IdParam, response: envelope(GroupWithContain) },
      },
      async (request) =>
        ok(request, await groups.update(callerOf(request), auditActorOf(request), request.params.id, request.body)),
    );

    app.delete(
      '/groups/:id/dry-run.json',
      {
        config: simulation,
        schema: {
          operationId: 'passbolt_groups_delete_dry_run',
          tags,
          params: IdParam,
          response: envelope(Type.Array(Resource)),
        },
      },
      async (request) =>
        ok(
          request,
          (await groups.remove(callerOf(request), auditActorOf(request), request.params.id, true)) ?? [],
          'The group can be deleted.',
        ),
    );

    app.delete(
      '/groups/:id.json',
      {
        config: changes,
        schema: { operationId: 'passbolt_groups_delete', tags, params: IdParam, response: envelope(NoBody) },
      },
      async (request) => {
        await groups.remove(callerOf(request), auditActorOf(request), request.params.id, false);
        return ok(request, null, 'The group was deleted successfully.');
      },
    );
  };
}
