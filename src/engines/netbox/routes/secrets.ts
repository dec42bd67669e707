import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { readOfMany, type AuditEvent } from '../../../core/ports.js';
import { actionForMethod, auditActorOf, callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import type { Query } from '../filters.js';
import { oneOrMany, paginated, SecretOut } from '../schema.js';
import { ENGINE, NetboxAudit, OT } from '../service/context.js';
import type { NewSecret, SecretInput, SecretRow } from '../service/secrets.js';
import { parseSecret, type ParsedSecret } from '../validate.js';
import { brief, bulkItems, listEnvelope, masterKeyOf, pageFor, renderSecrets, resolveDevice, resolveRole, type Services } from './common.js';

/** One secret: its own entry; a page of them: one entry naming every secret revealed (the core's convention). */
function readEvents(rows: SecretRow[], plaintexts: Map<number, string | null>): AuditEvent[] {
  const revealed = rows.filter((r) => plaintexts.get(r.id) != null);
  if (revealed.length === 1) return [{ engine: ENGINE, action: NetboxAudit.secretRead, objectType: OT.secret, objectId: revealed[0]!.id, details: { name: revealed[0]!.name } }];
  return readOfMany({ engine: ENGINE, action: NetboxAudit.secretRead, objectType: OT.secret }, revealed.map((r) => String(r.id)));
}

/**
 * `/secrets/` of both APIs (docs/wire/netbox.md §3.1, §3.4): the same data and rules, with the legacy view's
 * shape, `device` field, plaintext echo on writes, and session key required only for POST and PUT.
 */
export function secretRoutes(s: Services, legacy: boolean): FastifyPluginAsync {
  const base = legacy ? '/api/secrets/secrets/' : '/api/plugins/secrets/secrets/';
  const rules = { access: 'authenticated', returnsPlaintext: true } as const;

  async function access(request: FastifyRequest) {
    const caller = callerOf(request);
    return { caller, scope: await s.nc.scope(caller, actionForMethod(request.method), OT.secret), actor: auditActorOf(request) };
  }

  /** Session key for a write: the plugin wants one on POST, PUT and PATCH; NetBox 2.x on POST and PUT only. */
  function keyRequired(request: FastifyRequest) {
    if (!legacy || request.method !== 'PATCH') return true;
    const body = request.body as Record<string, unknown> | null;
    return body !== null && typeof body === 'object' && body.plaintext !== undefined;
  }

  async function toInput(p: ParsedSecret): Promise<SecretInput> {
    const deviceId = await resolveDevice(s, p.device);
    return {
      kind: deviceId !== undefined ? 'dcim.device' : p.kind,
      objectId: deviceId ?? p.objectId,
      roleId: await resolveRole(s, p.role),
      name: p.name,
      plaintext: p.plaintext,
      description: p.description,
      comments: p.comments,
    };
  }

  /** Plugin v3 re-reads written objects, so `plaintext` is null; NetBox 2.x echoes it (docs/wire/netbox.md §0). */
  async function writeAnswer(request: FastifyRequest, rows: SecretRow[], sent: ParsedSecret[]) {
    const echo = legacy ? new Map(rows.map((r, i) => [r.id, sent[i]?.plaintext ?? null])) : undefined;
    recordPlaintextReads(request, []);
    return renderSecrets(s, request, rows, echo, legacy);
  }

  return async (app) => {
    app.get(base, { config: { hush: rules }, schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_list`, tags: ['netbox'], response: { 200: paginated(SecretOut) } } }, async (request) => {
      const { caller, scope } = await access(request);
      const masterKey = await masterKeyOf(s, request, caller, { required: false, legacy });
      const query = request.query as Query;
      const page = pageFor(query);
      const { count, rows } = await s.secrets.list(query, page, scope);
      const asBrief = brief(request);
      const plaintexts = masterKey && !asBrief ? await s.secrets.reveal(rows, masterKey) : new Map<number, string | null>();
      recordPlaintextReads(request, readEvents(rows, plaintexts));
      return listEnvelope(request, page, count, await renderSecrets(s, request, rows, plaintexts, legacy, asBrief));
    });

    app.get(`${base}:id/`, { config: { hush: rules }, schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_read`, tags: ['netbox'], params: idParams, response: { 200: SecretOut } } }, async (request) => {
      const { caller, scope } = await access(request);
      const masterKey = await masterKeyOf(s, request, caller, { required: false, legacy });
      const row = await s.secrets.get((request.params as { id: number }).id, scope);
      const plaintexts = masterKey && !brief(request) ? await s.secrets.reveal([row], masterKey) : new Map<number, string | null>();
      recordPlaintextReads(request, readEvents([row], plaintexts));
      return (await renderSecrets(s, request, [row], plaintexts, legacy, brief(request)))[0];
    });

    app.post(base, { config: { hush: rules }, schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_create`, tags: ['netbox'], response: { 201: oneOrMany(SecretOut) } } }, async (request, reply) => {
      const { caller, actor } = await access(request);
      const many = Array.isArray(request.body);
      const masterKey = (await masterKeyOf(s, request, caller, { required: true, legacy }))!;
      const parsed = (many ? (request.body as unknown[]) : [request.body]).map((b) => parseSecret(b, { partial: false, legacy, create: true }));
      const inputs = (await Promise.all(parsed.map(toInput))) as NewSecret[];
      const rows = await s.secrets.createMany(actor, inputs, masterKey, legacy);
      const out = await writeAnswer(request, rows, parsed);
      return reply.status(201).send(many ? out : out[0]);
    });

    for (const method of ['PUT', 'PATCH'] as const) {
      const partial = method === 'PATCH';
      app.route({
        method,
        url: `${base}:id/`,
        config: { hush: rules },
        schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_${partial ? 'partial_update' : 'update'}`, tags: ['netbox'], params: idParams, response: { 200: SecretOut } },
        handler: async (request) => {
          const { caller, scope, actor } = await access(request);
          const masterKey = await masterKeyOf(s, request, caller, { required: keyRequired(request), legacy });
          const parsed = parseSecret(request.body, { partial, legacy });
          const rows = await s.secrets.updateMany(actor, [{ id: (request.params as { id: number }).id, input: await toInput(parsed) }], masterKey, scope, legacy);
          return (await writeAnswer(request, rows, [parsed]))[0];
        },
      });
      app.route({
        method,
        url: base,
        config: { hush: rules },
        schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_bulk_${partial ? 'partial_update' : 'update'}`, tags: ['netbox'], response: { 200: Type.Array(SecretOut) } },
        handler: async (request) => {
          const { caller, scope, actor } = await access(request);
          const items = bulkItems(request.body);
          const parsed = items.map((i) => parseSecret(i.body, { partial, legacy }));
          // NetBox's bulk update skips the view's session-key check; the serializer then needs a key only for plaintext.
          const masterKey = await masterKeyOf(s, request, caller, { required: false, legacy });
          const inputs = await Promise.all(parsed.map(toInput));
          const rows = await s.secrets.updateMany(actor, items.map((it, i) => ({ id: it.id, input: inputs[i]! })), masterKey, scope, legacy);
          return writeAnswer(request, rows, parsed);
        },
      });
    }

    app.delete(`${base}:id/`, { config: { hush: { access: 'authenticated' } }, schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_delete`, tags: ['netbox'], params: idParams, response: { 204: Type.Null() } } }, async (request, reply) => {
      const { caller, scope, actor } = await access(request);
      await masterKeyOf(s, request, caller, { required: false, legacy });
      await s.secrets.remove(actor, [(request.params as { id: number }).id], scope);
      return reply.status(204).send();
    });

    app.delete(base, { config: { hush: { access: 'authenticated' } }, schema: { operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_bulk_delete`, tags: ['netbox'], response: { 204: Type.Null() } } }, async (request, reply) => {
      const { caller, scope, actor } = await access(request);
      await masterKeyOf(s, request, caller, { required: false, legacy });
      await s.secrets.remove(actor, bulkItems(request.body).map((i) => i.id), scope);
      return reply.status(204).send();
    });
  };
}

export const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } }, required: ['id'] } as const;
