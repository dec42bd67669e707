import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf, recordPlaintextReads, requestUrlWith } from '../../../http/route-kit.js';
import { invalid } from '../../../core/ports.js';
import { Type } from '../../../http/schemas.js';
import {
  ALL_VALUES_PAGE,
  AllValuesQuery,
  ErrorOut,
  ListParams,
  PageQuery,
  RestoreIn,
  ValueCreateIn,
  ValueOut,
  ValueParams,
  ValueUpdateIn,
  VersionOut,
} from '../schema.js';
import { pageCursor } from '../serializers.js';
import type { ValueService } from '../service/values.js';
import { checkCursor } from '../validate.js';

const tags = ['lists'];
const plaintext = { hush: { access: 'authenticated', returnsPlaintext: true } } as const;
const writesPlaintext = { hush: { access: 'authenticated', returnsPlaintext: true, changesData: true } } as const;
const changes = { hush: { access: 'authenticated', changesData: true } } as const;
const errors = { '4xx': ErrorOut };
const VALUE = '/api/secrets/lists/:secretList/values/:secretListValue';

const pageOf = (q: { limit?: number | undefined; offset?: number | undefined }) =>
  q.limit === undefined && q.offset === undefined
    ? undefined
    : { limit: q.limit ?? Number.MAX_SAFE_INTEGER, offset: q.offset ?? 0 };

/** Secret list values (seed: "Secret List Values"), plus history and restore (beyond NetActuate). */
export function valueRoutes(values: ValueService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/secrets/all-values',
      {
        config: plaintext,
        schema: {
          operationId: 'lists_all_values',
          tags,
          summary: 'Every value of every list the caller may view, a page at a time',
          description:
            'Pages of `limit` values (default 1000) in a fixed order. While more follow, the answer carries ' +
            '`Link: <url>; rel="next"`: fetch that URL for the next page, until an answer has no such link.',
          querystring: AllValuesQuery,
          response: { 200: Type.Array(ValueOut), ...errors },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const limit = q.limit ?? ALL_VALUES_PAGE;
        if (q.offset !== undefined) {
          if (q.after !== undefined) throw invalid('after', 'give either after or offset, not both');
          const result = await values.all(callerOf(request), { limit, offset: q.offset });
          recordPlaintextReads(request, result.reads);
          if (result.more) {
            const next = requestUrlWith(request, { offset: String(q.offset + limit), limit: String(limit) });
            void reply.header('link', `<${next}>; rel="next"`);
          }
          return result.values;
        }
        const after = q.after === undefined ? undefined : checkCursor(q.after);
        const result = await values.allAfter(callerOf(request), after, limit);
        recordPlaintextReads(request, result.reads);
        if (result.next) {
          const next = requestUrlWith(request, { after: pageCursor(result.next), limit: String(limit) });
          void reply.header('link', `<${next}>; rel="next"`);
        }
        return result.values;
      },
    );

    app.get(
      '/api/secrets/lists/:secretList/values',
      {
        config: plaintext,
        schema: {
          operationId: 'lists_values_list',
          tags,
          summary: "A list's values",
          params: ListParams,
          querystring: PageQuery,
          response: { 200: Type.Array(ValueOut), ...errors },
        },
      },
      async (request) => {
        const result = await values.inList(callerOf(request), request.params.secretList, pageOf(request.query));
        recordPlaintextReads(request, result.reads);
        return result.values;
      },
    );

    app.post(
      '/api/secrets/lists/:secretList/values',
      {
        // The answer echoes what the caller sent: nothing is revealed, so no read is recorded.
        config: writesPlaintext,
        schema: {
          operationId: 'lists_values_create',
          tags,
          summary: 'Add a key/value pair (keys are unique in the instance)',
          params: ListParams,
          body: ValueCreateIn,
          response: { 201: ValueOut, ...errors },
        },
      },
      async (request, reply) => {
        const created = await values.create(
          callerOf(request),
          auditActorOf(request),
          request.params.secretList,
          request.body,
        );
        recordPlaintextReads(request, []);
        return reply.status(201).send(created);
      },
    );

    app.get(
      VALUE,
      {
        config: plaintext,
        schema: {
          operationId: 'lists_values_read',
          tags,
          summary: 'One value, by key or id',
          params: ValueParams,
          response: { 200: ValueOut, ...errors },
        },
      },
      async (request) => {
        const result = await values.get(callerOf(request), request.params.secretList, request.params.secretListValue);
        recordPlaintextReads(request, result.reads);
        return result.values[0];
      },
    );

    app.post(
      VALUE,
      {
        config: writesPlaintext,
        schema: {
          operationId: 'lists_values_update',
          tags,
          summary: 'Change the value and/or the key (a new version)',
          params: ValueParams,
          body: ValueUpdateIn,
          response: { 200: ValueOut, ...errors },
        },
      },
      async (request) => {
        const result = await values.update(
          callerOf(request),
          auditActorOf(request),
          request.params.secretList,
          request.params.secretListValue,
          request.body,
        );
        recordPlaintextReads(request, result.reads);
        return result.value;
      },
    );

    app.delete(
      VALUE,
      {
        config: changes,
        schema: {
          operationId: 'lists_values_delete',
          tags,
          summary: 'Delete a value and its history',
          params: ValueParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await values.remove(
          callerOf(request),
          auditActorOf(request),
          request.params.secretList,
          request.params.secretListValue,
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${VALUE}/history`,
      {
        config: plaintext,
        schema: {
          operationId: 'lists_values_history',
          tags,
          summary: 'Every version of a value, oldest first',
          params: ValueParams,
          response: { 200: Type.Array(VersionOut), ...errors },
        },
      },
      async (request) => {
        const result = await values.history(
          callerOf(request),
          request.params.secretList,
          request.params.secretListValue,
        );
        recordPlaintextReads(request, result.reads);
        return result.versions;
      },
    );

    app.post(
      `${VALUE}/restore`,
      {
        config: writesPlaintext,
        schema: {
          operationId: 'lists_values_restore',
          tags,
          summary: 'Write an earlier version again as a new version',
          params: ValueParams,
          body: RestoreIn,
          response: { 200: ValueOut, ...errors },
        },
      },
      async (request) => {
        const result = await values.restore(
          callerOf(request),
          auditActorOf(request),
          request.params.secretList,
          request.params.secretListValue,
          request.body,
        );
        recordPlaintextReads(request, result.reads);
        return result.value;
      },
    );
  };
}
