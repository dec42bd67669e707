import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actionForMethod, auditActorOf, callerOf, noChangeMade } from '../../../http/route-kit.js';
import { IdParams, Type } from '../../../http/schemas.js';
import { BriefQuery, ListQuery, oneOrMany, paginated, RoleOut } from '../schema.js';
import { legacyRoleJson, roleJson } from '../serializers.js';
import { OT } from '../service/context.js';
import type { RoleInput } from '../service/roles.js';
import { parseRole, type ParsedRole } from '../validate.js';
import { brief, bulkItems, listEnvelope, matchesAttrs, pageFor, type Services } from './common.js';

/** `/secret-roles/` of both APIs: one table, the plugin's tree shape or the legacy flat one. */
export function roleRoutes(s: Services, legacy: boolean): FastifyPluginAsyncTypebox {
  const base = legacy ? '/api/secrets/secret-roles/' : '/api/plugins/secrets/secret-roles/';
  const op = legacy ? 'legacy' : 'plugin';
  const rules = { access: 'authenticated' } as const;
  const changes = { ...rules, changesData: true } as const;
  const render = legacy ? legacyRoleJson : roleJson;

  async function access(request: FastifyRequest) {
    const caller = callerOf(request);
    return { scope: await s.nc.scope(caller, actionForMethod(request.method), OT.role), actor: auditActorOf(request) };
  }

  async function toInput(p: ParsedRole): Promise<RoleInput> {
    const parent = p.parent;
    let parentId: number | null | undefined;
    if (parent === null) parentId = null;
    else if (parent && 'id' in parent) parentId = parent.id;
    else if (parent) {
      const tree = await s.roles.tree({ counts: false });
      const match = tree.roles.find((r) => matchesAttrs(r, parent.attrs));
      parentId = match ? match.id : -1;
    }
    return { name: p.name, slug: p.slug, description: p.description, comments: p.comments, parentId };
  }

  return async (app) => {
    app.get(
      base,
      {
        config: { hush: rules },
        schema: {
          operationId: `${op}_secret_roles_list`,
          tags: ['netbox'],
          querystring: ListQuery,
          response: { 200: paginated(RoleOut) },
        },
      },
      async (request) => {
        const { scope } = await access(request);
        const query = request.query;
        const page = pageFor(query);
        const { count, rows } = await s.roles.list(query, page, scope);
        return listEnvelope(
          request,
          page,
          count,
          rows.map((r) => render(request, r, brief(request))),
        );
      },
    );

    app.post(
      base,
      {
        config: { hush: changes },
        schema: { operationId: `${op}_secret_roles_create`, tags: ['netbox'], response: { 201: oneOrMany(RoleOut) } },
      },
      async (request, reply) => {
        const { actor } = await access(request);
        const body = request.body;
        const many = Array.isArray(body);
        const items = await Promise.all(
          (many ? body : [body]).map(async (item: unknown) => ({
            id: undefined,
            input: await toInput(parseRole(item)),
          })),
        );
        // An empty list creates nothing (and is answered as one).
        if (!items.length) noChangeMade(request);
        const out = (await s.roles.saveMany(actor, items, false)).map((r) => render(request, r, false));
        return reply.status(201).send(many ? out : out[0]!);
      },
    );

    app.get(
      `${base}:id/`,
      {
        config: { hush: rules },
        schema: {
          operationId: `${op}_secret_roles_read`,
          tags: ['netbox'],
          params: IdParams,
          querystring: BriefQuery,
          response: { 200: RoleOut },
        },
      },
      async (request) => {
        const { scope } = await access(request);
        return render(request, await s.roles.get(request.params.id, scope), brief(request));
      },
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: `${base}:id/`,
        config: { hush: changes },
        schema: {
          operationId: `${op}_secret_roles_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['netbox'],
          params: IdParams,
          response: { 200: RoleOut },
        },
        handler: async (request) => {
          const { scope, actor } = await access(request);
          const id = request.params.id;
          await s.roles.get(id, scope);
          return render(
            request,
            (
              await s.roles.saveMany(actor, [{ id, input: await toInput(parseRole(request.body)) }], method === 'PATCH')
            )[0]!,
            false,
          );
        },
      });
      app.route({
        method,
        url: base,
        config: { hush: changes },
        schema: {
          operationId: `${op}_secret_roles_bulk_${method === 'PUT' ? 'update' : 'partial_update'}`,
          tags: ['netbox'],
          response: { 200: Type.Array(RoleOut) },
        },
        handler: async (request) => {
          const { scope, actor } = await access(request);
          const items = bulkItems(request.body);
          for (const item of items) await s.roles.get(item.id, scope);
          const parsed = await Promise.all(
            items.map(async (i) => ({ id: i.id, input: await toInput(parseRole(i.body)) })),
          );
          return (await s.roles.saveMany(actor, parsed, method === 'PATCH')).map((r) => render(request, r, false));
        },
      });
    }

    app.delete(
      `${base}:id/`,
      {
        config: { hush: changes },
        schema: {
          operationId: `${op}_secret_roles_delete`,
          tags: ['netbox'],
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { scope, actor } = await access(request);
        const id = request.params.id;
        await s.roles.get(id, scope);
        await s.roles.removeMany(actor, [id]);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      base,
      {
        config: { hush: changes },
        schema: { operationId: `${op}_secret_roles_bulk_delete`, tags: ['netbox'], response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const { scope, actor } = await access(request);
        const ids = bulkItems(request.body).map((i) => i.id);
        for (const id of ids) await s.roles.get(id, scope);
        await s.roles.removeMany(actor, ids);
        return reply.status(204).send(null);
      },
    );
  };
}
