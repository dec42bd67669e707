import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf, noChangeMade } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ErrorOut, ListCreateIn, ListOut, ListParams, ListRenameIn } from '../schema.js';
import { listJson } from '../serializers.js';
import type { ListService } from '../service/lists.js';
import { LIST_OBJECT } from '../service/context.js';

const tags = ['lists'];
const authenticated = { hush: { access: 'authenticated' } } as const;
const changes = { hush: { access: 'authenticated', changesData: true } } as const;
const errors = { '4xx': ErrorOut };

/** Secret lists (docs/wire/lists.md §1, the seed's "Secret Lists"). */
export function listRoutes(lists: ListService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/secrets/lists',
      {
        config: authenticated,
        schema: {
          operationId: 'lists_list',
          tags,
          summary: 'Every secret list the caller may view',
          response: { 200: Type.Array(ListOut), ...errors },
        },
      },
      async (request) => (await lists.list(callerOf(request))).map(listJson),
    );

    app.post(
      '/api/secrets/lists',
      {
        config: { hush: { access: { objectType: LIST_OBJECT, action: 'add' }, changesData: true } },
        schema: {
          operationId: 'lists_create',
          tags,
          summary: 'Create an empty list (no payload: a generated name)',
          description:
            'The body is optional: without one (or with an empty one, whatever its Content-Type) the list gets a generated unique name `list-…`.',
          body: ListCreateIn,
          response: { 201: ListOut, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(listJson(await lists.create(auditActorOf(request), request.body))),
    );

    app.get(
      '/api/secrets/lists/:secretList',
      {
        config: authenticated,
        schema: {
          operationId: 'lists_read',
          tags,
          summary: 'One list, by name or id',
          params: ListParams,
          response: { 200: ListOut, ...errors },
        },
      },
      async (request) => listJson(await lists.get(callerOf(request), request.params.secretList)),
    );

    app.post(
      '/api/secrets/lists/:secretList',
      {
        config: changes,
        schema: {
          operationId: 'lists_rename',
          tags,
          summary: 'Rename a list (409 when the name is taken)',
          params: ListParams,
          body: ListRenameIn,
          response: { 200: ListOut, ...errors },
        },
      },
      async (request) => {
        const { list, changed } = await lists.rename(
          callerOf(request),
          auditActorOf(request),
          request.params.secretList,
          request.body,
        );
        if (!changed) noChangeMade(request);
        return listJson(list);
      },
    );

    app.delete(
      '/api/secrets/lists/:secretList',
      {
        config: changes,
        schema: {
          operationId: 'lists_delete',
          tags,
          summary: 'Delete a list with all its values',
          params: ListParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        if (!(await lists.remove(callerOf(request), auditActorOf(request), request.params.secretList)))
          noChangeMade(request);
        return reply.status(204).send(null);
      },
    );
  };
}
