import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { forbidden, invalid, invalidFields, type FieldProblem } from '../../../core/ports.js';
import { actionForMethod, auditActorOf, callerOf, noChangeMade } from '../../../http/route-kit.js';
import { IdParams, Type } from '../../../http/schemas.js';
import { MSG } from '../errors.js';
import { ActivateOut, BriefQuery, ListQuery, paginated, UserKeyOut } from '../schema.js';
import { userKeyJson } from '../serializers.js';
import { OT } from '../service/context.js';
import { asBody, isRecord } from '../validate.js';
import { USER_KEY_FIELDS } from '../write-fields.js';
import { brief, bulkItems, listEnvelope, pageFor, type Services } from './common.js';

const MAX_ACTIVATE = 100;

/** `/user-keys/` and `/user-keys/activate/` (docs/wire/netbox.md §3.1); also where legacy users manage keys. */
export function userKeyRoutes(s: Services): FastifyPluginAsyncTypebox {
  const base = '/api/plugins/secrets/user-keys/';
  const rules = { access: 'authenticated' } as const;
  const changes = { ...rules, changesData: true } as const;

  async function access(request: FastifyRequest) {
    const caller = callerOf(request);
    return {
      caller,
      scope: await s.nc.scope(caller, actionForMethod(request.method), OT.userKey),
      actor: auditActorOf(request),
    };
  }

  /** `user` as a pk or `{"id"|"username": …}`; defaults to the caller. */
  async function userOf(value: unknown, callerId: number): Promise<number> {
    if (value === undefined || value === null) return callerId;
    if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return Number(value);
    if (isRecord(value)) {
      if (value.id !== undefined) return Number(value.id);
      if (typeof value.username === 'string') {
        const user = await s.nc.users.findByUsername(value.username);
        if (user) return user.id;
      }
      throw invalid('user', MSG.relatedAttrs(value));
    }
    throw invalid('user', MSG.relatedBad(value));
  }

  function publicKeyOf(body: Record<string, unknown>, required: boolean): string | undefined {
    const v = body.public_key;
    if (v === undefined) {
      if (required) throw invalid('public_key', MSG.required);
      return undefined;
    }
    if (typeof v !== 'string') throw invalid('public_key', 'Not a valid string.');
    if (!v.trim()) throw invalid('public_key', MSG.blank);
    if (v.length > 20_000) throw invalid('public_key', 'Ensure this field has no more than 20000 characters.');
    return v.trim();
  }

  return async (app) => {
    app.get(
      base,
      {
        config: { hush: rules },
        schema: {
          operationId: 'plugin_user_keys_list',
          tags: ['netbox'],
          querystring: ListQuery,
          response: { 200: paginated(UserKeyOut) },
        },
      },
      async (request) => {
        const { scope } = await access(request);
        const query = request.query;
        const page = pageFor(query);
        const rows = await s.userKeys.list(query, scope);
        const pageRows = rows.slice(page.offset, page.offset + page.limit);
        return listEnvelope(
          request,
          page,
          rows.length,
          pageRows.map((k) => userKeyJson(request, k, brief(request))),
        );
      },
    );

    app.post(
      base,
      {
        config: { hush: changes },
        schema: { operationId: 'plugin_user_keys_create', tags: ['netbox'], response: { 201: UserKeyOut } },
      },
      async (request, reply) => {
        const { caller, actor } = await access(request);
        const body = asBody(request.body, USER_KEY_FIELDS);
        const publicKey = publicKeyOf(body, true)!;
        const row = await s.userKeys.create(actor, await userOf(body.user, caller.user.id), publicKey);
        return reply.status(201).send(userKeyJson(request, row, false));
      },
    );

    app.get(
      `${base}:id/`,
      {
        config: { hush: rules },
        schema: {
          operationId: 'plugin_user_keys_read',
          tags: ['netbox'],
          params: IdParams,
          querystring: BriefQuery,
          response: { 200: UserKeyOut },
        },
      },
      async (request) => {
        const { scope } = await access(request);
        return userKeyJson(request, await s.userKeys.get(request.params.id, scope), brief(request));
      },
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: `${base}:id/`,
        config: { hush: changes },
        schema: {
          operationId: `plugin_user_keys_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['netbox'],
          params: IdParams,
          response: { 200: UserKeyOut },
        },
        // `user` is not editable (the original ignores it on update); only the public key changes.
        handler: async (request) => {
          const { scope, actor } = await access(request);
          const publicKey = publicKeyOf(asBody(request.body, USER_KEY_FIELDS), method === 'PUT');
          const { key, changed } = await s.userKeys.update(actor, request.params.id, publicKey, scope);
          if (!changed) noChangeMade(request);
          return userKeyJson(request, key, false);
        },
      });
    }

    app.delete(
      `${base}:id/`,
      {
        config: { hush: changes },
        schema: {
          operationId: 'plugin_user_keys_delete',
          tags: ['netbox'],
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { scope, actor } = await access(request);
        await s.userKeys.remove(actor, [request.params.id], scope);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      base,
      {
        config: { hush: changes },
        schema: { operationId: 'plugin_user_keys_bulk_delete', tags: ['netbox'], response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const { scope, actor } = await access(request);
        await s.userKeys.remove(
          actor,
          bulkItems(request.body).map((i) => i.id),
          scope,
        );
        return reply.status(204).send(null);
      },
    );

    // Checked explicitly, before the body, and regardless of the token's write flag (docs/wire/netbox.md §3.1, §4).
    app.post(
      `${base}activate/`,
      {
        config: { hush: { access: 'authenticated', allowReadOnlyToken: true, changesData: true } },
        schema: {
          operationId: 'plugin_user_keys_activate',
          tags: ['netbox'],
          response: {
            200: ActivateOut,
            404: Type.Object({ error: Type.String(), invalid_keys: Type.Array(Type.Integer()) }),
          },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        if (!(await s.nc.can(caller, 'change', OT.userKey))) throw forbidden(MSG.activateDenied);
        const body = asBody(request.body);
        const problems: FieldProblem[] = [];
        const privateKey = typeof body.private_key === 'string' ? body.private_key.trim() : '';
        if (!privateKey)
          problems.push({ field: 'private_key', message: body.private_key === undefined ? MSG.required : MSG.blank });
        const ids = body.user_key_ids;
        let unique: number[] = [];
        if (!Array.isArray(ids))
          problems.push({
            field: 'user_key_ids',
            message: ids === undefined ? MSG.required : 'Expected a list of items.',
          });
        else if (ids.some((i) => !Number.isInteger(Number(i)) || Number(i) < 1))
          problems.push({ field: 'user_key_ids', message: 'A valid integer ≥ 1 is required.' });
        else {
          unique = [...new Set(ids.map(Number))];
          if (unique.length < 1)
            problems.push({ field: 'user_key_ids', message: 'Ensure this field has at least 1 elements.' });
          if (unique.length > MAX_ACTIVATE)
            problems.push({
              field: 'user_key_ids',
              message: `Ensure this field has no more than ${MAX_ACTIVATE} elements.`,
            });
        }
        if (problems.length) throw invalidFields(problems);
        const result = await s.userKeys.activate(auditActorOf(request), caller, privateKey, unique);
        if (result.missing.length) {
          return reply.status(404).send({
            error: `The following user key IDs were not found: ${result.missing.join(', ')}`,
            invalid_keys: result.missing,
          });
        }
        const n = result.activated.length;
        return {
          message: `Successfully activated ${n} user key${n === 1 ? '' : 's'}.`,
          activated_count: n,
          activated_keys: result.activated.map((k) => k.id),
        };
      },
    );
  };
}
