import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { defineFilterSet, forbidden, HushError, isHushError } from '../../../core/ports.js';
import { absoluteUrl, auditActorOf, callerOf, noChangeMade } from '../../../http/route-kit.js';
import { IdParams, Type } from '../../../http/schemas.js';
import { shaped } from '../errors.js';
import { ListQuery, paginated } from '../schema.js';
import { sessionKeyJson, PLUGIN } from '../serializers.js';
import { OT } from '../service/context.js';
import { asBody } from '../validate.js';
import { listEnvelope, pageFor, type Services } from './common.js';

const truthy = (v: unknown) => v === true || (typeof v === 'string' && ['true', 'yes', '1'].includes(v.toLowerCase()));

const SessionKeyAlias = Type.Object({
  pk: Type.Integer(),
  id: Type.Integer(),
  url: Type.String(),
  display: Type.String(),
  userkey: Type.Object({ id: Type.Integer(), url: Type.String(), display: Type.String() }),
  session_key: Type.Union([Type.String(), Type.Null()]),
  created: Type.String(),
});

/**
 * The plugin 2.x/3.0 endpoints that 3.1 removed (docs/wire/netbox.md §3.3), kept for older scripts: the
 * `/session-keys/` collection (only ever the caller's key) and `/activate-user-key/` with its plain-text errors.
 * Each delegates to the same services as the current endpoints.
 */
const NO_FILTERS = defineFilterSet({});

export function aliasRoutes(s: Services): FastifyPluginAsyncTypebox {
  const base = `${PLUGIN}/session-keys/`;
  const rules = { access: 'authenticated', allowReadOnlyToken: true } as const;
  const changes = { ...rules, changesData: true } as const;

  function aliasJson(
    request: FastifyRequest,
    row: { id: number; created: string },
    userKeyId: number,
    username: string,
    key: Buffer | null,
  ) {
    return {
      pk: row.id,
      ...sessionKeyJson(request, row, userKeyId, username, key),
      url: absoluteUrl(request, `${base}${row.id}/`),
      display: `${username}'s session key`,
    };
  }

  async function own(request: FastifyRequest, id?: number) {
    const caller = callerOf(request);
    const row = await s.sessions.current(caller.user.id);
    if (!row || (id !== undefined && row.id !== id)) throw new HushError('not_found', 'Not found.');
    return { caller, row };
  }

  return async (app) => {
    app.get(
      base,
      {
        config: { hush: rules },
        schema: {
          operationId: 'alias_session_keys_list',
          tags: ['netbox'],
          querystring: ListQuery,
          response: { 200: paginated(SessionKeyAlias) },
        },
      },
      async (request) => {
        // The session-key alias has no filters: any parameter beyond paging is refused, as on every list.
        NO_FILTERS.check(request.query);
        const caller = callerOf(request);
        const row = await s.sessions.current(caller.user.id);
        const results = row ? [aliasJson(request, row, row.userkey_id, caller.user.username, null)] : [];
        return listEnvelope(request, pageFor(request.query), results.length, results);
      },
    );

    app.get(
      `${base}:id/`,
      {
        config: { hush: rules },
        schema: {
          operationId: 'alias_session_keys_read',
          tags: ['netbox'],
          params: IdParams,
          response: { 200: SessionKeyAlias },
        },
      },
      async (request) => {
        const { caller, row } = await own(request, request.params.id);
        return aliasJson(request, row, row.userkey_id, caller.user.username, null);
      },
    );

    // A recovered key (`preserve_key`) changes nothing; its entry is written outside any transaction.
    app.post(
      base,
      {
        config: { hush: changes },
        schema: {
          operationId: 'alias_session_keys_create',
          tags: ['netbox'],
          response: { 200: SessionKeyAlias, 201: SessionKeyAlias },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const body = asBody(request.body);
        const preserve = truthy(body.preserve_key);
        const made = await s.sessions.create(
          auditActorOf(request),
          caller,
          typeof body.private_key === 'string' ? body.private_key : undefined,
          preserve,
        );
        if (!made.created) noChangeMade(request);
        // 2.x answered 200 whenever preserve_key was set, 201 otherwise.
        return reply
          .status(preserve ? 200 : 201)
          .send(aliasJson(request, made.row, made.userKeyId, caller.user.username, made.key));
      },
    );

    app.delete(
      `${base}:id/`,
      {
        config: { hush: changes },
        schema: {
          operationId: 'alias_session_keys_delete',
          tags: ['netbox'],
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { caller } = await own(request, request.params.id);
        // Gone since `own` found it (a concurrent delete): this request deleted nothing.
        if (!(await s.sessions.remove(auditActorOf(request), caller))) noChangeMade(request);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${PLUGIN}/activate-user-key/`,
      {
        config: { hush: changes },
        schema: { operationId: 'alias_activate_user_key', tags: ['netbox'], response: { 200: Type.String() } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        // The 2.x message, typo included.
        if (!(await s.nc.can(caller, 'change', OT.userKey)))
          throw forbidden('You do not have permission to active User Keys.');
        const body = asBody(request.body);
        const raw = body.user_key_ids ?? body.user_keys;
        const ids = [...new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(Number))];
        if (typeof body.private_key !== 'string' || !body.private_key.trim())
          throw shaped('text', 'Private key was not provided.');
        if (!ids.length || ids.some((i) => !Number.isInteger(i) || i < 1))
          throw shaped('text', 'No UserKeys were provided.');
        let result;
        try {
          result = await s.userKeys.activate(auditActorOf(request), caller, body.private_key.trim(), ids);
        } catch (e) {
          if (isHushError(e) && e.reason === 'netbox_error_key') throw shaped('text', e.message);
          throw e;
        }
        if (result.missing.length) throw shaped('text', `User key with id ${result.missing[0]} does not exist.`);
        // A JSON string body, as DRF rendered the 2.x view's `Response("…")`.
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(`Successfully activated ${result.activated.length} user keys.`));
      },
    );
  };
}
