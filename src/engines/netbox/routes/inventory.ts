import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { invalid } from '../../../core/ports.js';
import { optionsAnswer, OptionsOut } from '../../../http/netbox-rest.js';
import { actionForMethod, auditActorOf, callerOf } from '../../../http/route-kit.js';
import { IdParams, Type } from '../../../http/schemas.js';
import { BriefQuery, InventoryOut, ListQuery, paginated } from '../schema.js';
import { inventoryJson } from '../serializers.js';
import { KINDS } from '../service/inventory.js';
import { asBody } from '../validate.js';
import { INVENTORY_FIELDS } from '../write-fields.js';
import { brief, bulkItems, listEnvelope, pageFor, type Services } from './common.js';

/** `/api/dcim/devices/`, `/api/virtualization/virtual-machines/`: the minimal inventory (docs/wire/netbox.md §3.5). */
export function inventoryRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const kind of Object.values(KINDS)) {
      const base = kind.path;
      const op = kind.model;
      const rules = { access: 'authenticated' } as const;
      const changes = { ...rules, changesData: true } as const;
      const access = async (request: FastifyRequest) => ({
        scope: await s.nc.scope(callerOf(request), actionForMethod(request.method), kind.objectType),
        actor: auditActorOf(request),
      });

      app.get(
        base,
        {
          config: { hush: rules },
          schema: {
            operationId: `${op}_list`,
            tags: ['inventory'],
            querystring: ListQuery,
            response: { 200: paginated(InventoryOut) },
          },
        },
        async (request) => {
          const { scope } = await access(request);
          const query = request.query;
          const page = pageFor(query);
          const { count, rows } = await s.inventory.list(kind, query, page, scope);
          return listEnvelope(
            request,
            page,
            count,
            rows.map((r) => inventoryJson(request, kind, r, brief(request))),
          );
        },
      );

      // One object, or a list of them (NetBox's bulk create: 201 with a list, all or nothing).
      app.post(
        base,
        {
          config: { hush: changes },
          schema: {
            operationId: `${op}_create`,
            tags: ['inventory'],
            response: { 201: Type.Union([InventoryOut, Type.Array(InventoryOut)]) },
          },
        },
        async (request, reply) => {
          const { actor } = await access(request);
          const many = Array.isArray(request.body);
          const bodies = many ? (request.body as unknown[]) : [request.body];
          if (!bodies.length) throw invalid('non_field_errors', 'Expected a list of items but got an empty list.');
          const items = bodies.map((b) => ({ id: undefined, body: asBody(b, INVENTORY_FIELDS) }));
          const rows = await s.inventory.saveMany(actor, kind, items, false);
          const out = rows.map((row) => inventoryJson(request, kind, row, false));
          return reply.status(201).send(many ? out : out[0]!);
        },
      );

      app.options(
        base,
        {
          config: { hush: rules },
          schema: { operationId: `${op}_options`, tags: ['inventory'], response: { 200: OptionsOut } },
        },
        async () =>
          optionsAnswer(kind.label, {
            name: { type: 'string', required: true, label: 'Name', max_length: 64 },
            description: { type: 'string', required: false, label: 'Description', max_length: 200 },
          }),
      );

      for (const method of ['PUT', 'PATCH'] as const) {
        app.route({
          method,
          url: base,
          config: { hush: changes },
          schema: {
            operationId: `${op}_bulk_${method === 'PUT' ? 'update' : 'partial_update'}`,
            tags: ['inventory'],
            response: { 200: Type.Array(InventoryOut) },
          },
          handler: async (request) => {
            const { scope, actor } = await access(request);
            const items = bulkItems(request.body);
            // Checked here for NetBox's order of errors (a missing object before a bad body), and again inside the
            // write's transaction, which is what counts (service/inventory.ts).
            for (const item of items) await s.inventory.get(kind, item.id, scope);
            const checked = items.map((i) => ({ id: i.id, body: asBody(i.body, INVENTORY_FIELDS) }));
            const rows = await s.inventory.saveMany(actor, kind, checked, method === 'PATCH', scope);
            return rows.map((row) => inventoryJson(request, kind, row, false));
          },
        });
      }

      app.delete(
        base,
        {
          config: { hush: changes },
          schema: { operationId: `${op}_bulk_delete`, tags: ['inventory'], response: { 204: Type.Null() } },
        },
        async (request, reply) => {
          const { scope, actor } = await access(request);
          const ids = bulkItems(request.body).map((i) => i.id);
          for (const id of ids) await s.inventory.get(kind, id, scope);
          await s.inventory.removeMany(callerOf(request), actor, kind, ids, scope);
          return reply.status(204).send(null);
        },
      );

      app.get(
        `${base}:id/`,
        {
          config: { hush: rules },
          schema: {
            operationId: `${op}_read`,
            tags: ['inventory'],
            params: IdParams,
            querystring: BriefQuery,
            response: { 200: InventoryOut },
          },
        },
        async (request) => {
          const { scope } = await access(request);
          return inventoryJson(request, kind, await s.inventory.get(kind, request.params.id, scope), brief(request));
        },
      );

      for (const method of ['PUT', 'PATCH'] as const) {
        app.route({
          method,
          url: `${base}:id/`,
          config: { hush: changes },
          schema: {
            operationId: `${op}_${method === 'PUT' ? 'update' : 'partial_update'}`,
            tags: ['inventory'],
            params: IdParams,
            response: { 200: InventoryOut },
          },
          handler: async (request) => {
            const { scope, actor } = await access(request);
            const id = request.params.id;
            await s.inventory.get(kind, id, scope);
            return inventoryJson(
              request,
              kind,
              await s.inventory.save(
                actor,
                kind,
                id,
                asBody(request.body, INVENTORY_FIELDS),
                method === 'PATCH',
                scope,
              ),
              false,
            );
          },
        });
      }

      app.delete(
        `${base}:id/`,
        {
          config: { hush: changes },
          schema: {
            operationId: `${op}_delete`,
            tags: ['inventory'],
            params: IdParams,
            response: { 204: Type.Null() },
          },
        },
        async (request, reply) => {
          const { scope, actor } = await access(request);
          const id = request.params.id;
          await s.inventory.get(kind, id, scope);
          await s.inventory.remove(callerOf(request), actor, kind, id, scope);
          return reply.status(204).send(null);
        },
      );
    }
  };
}
