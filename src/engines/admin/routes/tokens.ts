import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  forbidden,
  invalid,
  notFound,
  type Caller,
  type EngineContext,
  type IdentityPort,
  type TokenId,
  type UserId,
} from '../../../core/ports.js';
import { netboxPage } from '../../../http/netbox-rest.js';
import { actionForMethod, auditActorOf, callerOf, pageLinks } from '../../../http/route-kit.js';
import { IdParams, paginated, Type } from '../../../http/schemas.js';
import { MSG_BAD_LOGIN } from '../errors.js';
import { AdminAudit } from '../events.js';
import { AdminListQuery, ProvisionBody, TokenCreate, TokenOut, TokenUpdate } from '../schema.js';
import { tokenJson } from '../serializers.js';

const TOKEN = 'users.token';

/**
 * Everyone may manage their own tokens; other people's need a `users.token` permission, and a superuser's a
 * superuser (the core's token store enforces both). A token the caller may not see answers 404, so ids do not
 * reveal which tokens exist.
 */
export function tokenRoutes(
  ctx: EngineContext,
  identity: IdentityPort,
  engineNames: () => string[],
): FastifyPluginAsyncTypebox {
  const { tokens, users, permissions, identityAdmin: service } = identity;

  async function visibleToken(request: FastifyRequest, caller: Caller, id: number) {
    const row = await tokens.get(id).catch(() => undefined);
    if (!row) throw notFound('Token');
    if (row.user_id !== caller.user.id && !(await permissions.can(caller, actionForMethod(request.method), TOKEN, id)))
      throw notFound('Token');
    return row;
  }

  return async (app) => {
    app.get(
      '/api/users/tokens/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'tokens_list',
          tags: ['users'],
          querystring: AdminListQuery,
          response: { 200: paginated(TokenOut) },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const page = netboxPage(request.query);
        const everyone = (await permissions.scope(caller, 'view', TOKEN)) === 'all';
        // Without a view grant on every token the list is the caller's own, whatever the filters say.
        const { count, rows } = await tokens.list(page, {
          userId: everyone ? undefined : caller.user.id,
          query: request.query,
        });
        const owners = new Map(
          (await service.usersByIds([...new Set(rows.map((r) => r.user_id))])).map((u) => [u.id, u]),
        );
        return {
          count,
          ...pageLinks(request, page, count),
          results: rows.map((t) => tokenJson(request, t, owners.get(t.user_id)!)),
        };
      },
    );

    app.post(
      '/api/users/tokens/',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: { operationId: 'tokens_create', tags: ['users'], body: TokenCreate, response: { 201: TokenOut } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const body = request.body;
        const userId = (typeof body.user === 'object' ? body.user.id : body.user) ?? caller.user.id;
        // null (which the validator's type coercion turns into "") and "" both mean every engine.
        const engine = body.engine || null;
        const engines = engineNames();
        if (engine !== null && !engines.includes(engine))
          throw invalid('engine', `"${engine}" is not an engine of this server; valid: ${engines.join(', ')}`);
        const { row, key, owner } = await service.createToken(caller, auditActorOf(request), {
          userId: userId as UserId,
          description: body.description,
          expires: body.expires,
          writeEnabled: body.write_enabled,
          engine,
        });
        return reply.status(201).send(tokenJson(request, row, owner, key));
      },
    );

    app.get(
      '/api/users/tokens/:id/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: { operationId: 'tokens_read', tags: ['users'], params: IdParams, response: { 200: TokenOut } },
      },
      async (request) => {
        const row = await visibleToken(request, callerOf(request), request.params.id);
        return tokenJson(request, row, await users.get(row.user_id));
      },
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: '/api/users/tokens/:id/',
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: {
          operationId: `tokens_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['users'],
          params: IdParams,
          body: TokenUpdate,
          response: { 200: TokenOut },
        },
        handler: async (request) => {
          const caller = callerOf(request);
          await visibleToken(request, caller, request.params.id);
          const b = request.body;
          const { row, owner } = await service.updateToken(
            caller,
            auditActorOf(request),
            request.params.id as TokenId,
            {
              description: b.description,
              expires: b.expires,
              writeEnabled: b.write_enabled,
              enabled: b.enabled,
            },
          );
          return tokenJson(request, row, owner);
        },
      });
    }

    app.delete(
      '/api/users/tokens/:id/',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: { operationId: 'tokens_delete', tags: ['users'], params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        await visibleToken(request, caller, request.params.id);
        await service.revokeToken(caller, auditActorOf(request), request.params.id as TokenId);
        return reply.status(204).send(null);
      },
    );

    // pynetbox's `nb.create_token(username, password)`; rate-limited per client address against password guessing.
    app.post(
      '/api/users/tokens/provision/',
      {
        config: {
          hush: { access: 'public', changesData: true },
          rateLimit: { max: ctx.config.provisionRateLimit, timeWindow: '1 minute' },
        },
        schema: {
          operationId: 'tokens_provision',
          tags: ['users'],
          security: [],
          body: ProvisionBody,
          response: { 201: TokenOut },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const user = await users.checkPassword(b.username, b.password);
        if (!user) throw forbidden(MSG_BAD_LOGIN, 'login_failed');
        const actor = { ...auditActorOf(request), userId: user.id, username: user.username };
        // The password proves who asks: the user, for a token of its own.
        const self: Caller = {
          user: {
            id: user.id as UserId,
            username: user.username,
            kind: user.kind,
            isSuperuser: user.is_superuser === 1,
          },
          tokenId: null,
          sessionId: null,
          writeEnabled: true,
        };
        const { row, key, owner } = await service.createToken(
          self,
          actor,
          {
            userId: user.id as UserId,
            description: b.description ?? 'Provisioned with username and password',
            expires: b.expires,
            writeEnabled: b.write_enabled,
          },
          AdminAudit.tokenProvision,
        );
        return reply.status(201).send(tokenJson(request, row, owner, key));
      },
    );
  };
}
