import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { readOfMany, type AuditEvent, type Caller } from '../../../core/ports.js';
import {
  actionForMethod,
  auditActorOf,
  callerOf,
  noChangeMade,
  recordPlaintextReads,
} from '../../../http/route-kit.js';
import { optionsAnswer, OptionsOut } from '../../../http/netbox-rest.js';
import { IdParams, Type } from '../../../http/schemas.js';
import { NETBOX_ENGINE, NetboxAudit } from '../events.js';
import type { SecretRow } from '../repo.js';
import {
  BriefQuery,
  LegacySecretWriteOut,
  ListQuery,
  oneOrMany,
  paginated,
  SecretListQuery,
  SecretOut,
  SecretReadQuery,
} from '../schema.js';
import { legacySecretWriteJson } from '../serializers.js';
import { OT } from '../service/context.js';
import { KINDS } from '../service/inventory.js';
import type { NewSecret, SecretInput } from '../service/secrets.js';
import { isRecord, parseSecret, type ParsedSecret } from '../validate.js';
import {
  brief,
  bulkItems,
  listEnvelope,
  masterKeyOf,
  pageFor,
  renderSecrets,
  resolveDevice,
  resolveRole,
  type Services,
} from './common.js';
import { omitted, withoutFields } from './omit.js';

/**
 * One secret: its own entry; a page of them: one entry naming every secret revealed (the core's convention). Reads
 * go through the core's plaintext hook, so they carry the engine's name themselves.
 */
function readEvents(rows: SecretRow[], plaintexts: Map<number, string | null>): AuditEvent[] {
  const revealed = rows.filter((r) => plaintexts.get(r.id) != null);
  const read = { engine: NETBOX_ENGINE, action: NetboxAudit.secretRead, objectType: OT.secret };
  if (revealed.length === 1) return [{ ...read, objectId: revealed[0]!.id, details: { name: revealed[0]!.name } }];
  return readOfMany(
    read,
    revealed.map((r) => String(r.id)),
  );
}

/** A new secret's input: `parseSecret` in create mode has required the object, the role and the plaintext. */
function complete(input: SecretInput): NewSecret {
  const { kind, objectId, roleId, plaintext } = input;
  if (kind === undefined || objectId === undefined || roleId === undefined || plaintext === undefined)
    throw new Error('A new secret lacks its object, role or plaintext after validation.');
  return { ...input, kind, objectId, roleId, plaintext };
}

/**
 * `/secrets/` of both APIs (docs/wire/netbox.md §3.1, §3.4): the same data and rules, with the legacy view's
 * shape, `device` field, plaintext echo on writes, and session key required only for POST and PUT.
 */
export function secretRoutes(s: Services, legacy: boolean): FastifyPluginAsyncTypebox {
  const base = legacy ? '/api/secrets/secrets/' : '/api/plugins/secrets/secrets/';
  const rules = { access: 'authenticated', returnsPlaintext: true } as const;
  const changes = { ...rules, changesData: true } as const;
  const deletes = { access: 'authenticated', changesData: true } as const;

  async function access(request: FastifyRequest) {
    const caller = callerOf(request);
    return {
      caller,
      scope: await s.nc.scope(caller, actionForMethod(request.method), OT.secret),
      actor: auditActorOf(request),
    };
  }

  /**
   * The master key for a read, if a session key came with it. A read that omits `plaintext` does not look at the
   * session key at all, so a stale cookie (another user's, one the server has since deleted) cannot fail it.
   */
  async function readKeyUnlessOmitted(request: FastifyRequest, caller: Caller, omit: ReadonlySet<string>) {
    if (omit.has('plaintext')) return undefined;
    return masterKeyOf(s, request, caller, { required: false, legacy });
  }

  /** Session key for a write: the plugin wants one on POST, PUT and PATCH; NetBox 2.x on POST and PUT only. */
  function keyRequired(request: FastifyRequest) {
    if (!legacy || request.method !== 'PATCH') return true;
    return isRecord(request.body) && request.body.plaintext !== undefined;
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

  /**
   * Plugin v3 re-reads written objects, so `plaintext` is null, and renders them as a GET does; NetBox 2.x echoes the
   * plaintext sent (docs/wire/netbox.md §0) in its write serializer's flat shape (serializers.ts).
   */
  async function writeAnswer(request: FastifyRequest, rows: SecretRow[], sent: ParsedSecret[]) {
    recordPlaintextReads(request, []);
    if (legacy) return rows.map((r, i) => legacySecretWriteJson(r, sent[i]?.plaintext ?? null));
    return renderSecrets(s, request, rows, undefined, false);
  }
  // What a write answers with, per API (the OpenAPI document shows each).
  const WriteOut = legacy ? LegacySecretWriteOut : SecretOut;

  return async (app) => {
    // pynetbox's `choices()`: `assigned_object_type` is the one choice field (the plugin's allowed content types).
    app.options(
      base,
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_options`,
          tags: ['netbox'],
          response: { 200: OptionsOut },
        },
      },
      async () =>
        optionsAnswer('Secret List', {
          assigned_object_type: {
            type: 'choice',
            required: true,
            label: 'Assigned object type',
            choices: Object.values(KINDS).map((k) => ({
              value: `${k.appLabel}.${k.model}`,
              display_name: `${k.appLabel === 'dcim' ? 'DCIM' : 'Virtualization'} | ${k.label}`,
            })),
          },
          assigned_object_id: { type: 'integer', required: true, label: 'Assigned object id' },
          role: { type: 'field', required: true, label: 'Role' },
          name: { type: 'string', required: false, label: 'Name', max_length: 100 },
          plaintext: { type: 'string', required: true, label: 'Plaintext', max_length: 65535 },
          description: { type: 'string', required: false, label: 'Description', max_length: 200 },
          comments: { type: 'string', required: false, label: 'Comments' },
        }),
    );

    app.get(
      base,
      {
        config: { hush: rules },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_list`,
          tags: ['netbox'],
          querystring: legacy ? ListQuery : SecretListQuery,
          response: { 200: paginated(SecretOut) },
        },
      },
      async (request) => {
        const { caller, scope } = await access(request);
        const omit = omitted(request, legacy);
        const masterKey = await readKeyUnlessOmitted(request, caller, omit);
        const query = request.query;
        const page = pageFor(query);
        const { count, rows } = await s.secrets.list(query, page, scope);
        const asBrief = brief(request);
        const plaintexts =
          masterKey && !asBrief ? await s.secrets.reveal(rows, masterKey) : new Map<number, string | null>();
        recordPlaintextReads(request, readEvents(rows, plaintexts));
        const rendered = await renderSecrets(s, request, rows, plaintexts, legacy, asBrief);
        return listEnvelope(request, page, count, withoutFields(rendered, omit));
      },
    );

    app.get(
      `${base}:id/`,
      {
        config: { hush: rules },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_read`,
          tags: ['netbox'],
          params: IdParams,
          querystring: legacy ? BriefQuery : SecretReadQuery,
          response: { 200: SecretOut },
        },
      },
      async (request) => {
        const { caller, scope } = await access(request);
        const omit = omitted(request, legacy);
        const masterKey = await readKeyUnlessOmitted(request, caller, omit);
        const row = await s.secrets.get(request.params.id, scope);
        const plaintexts =
          masterKey && !brief(request) ? await s.secrets.reveal([row], masterKey) : new Map<number, string | null>();
        recordPlaintextReads(request, readEvents([row], plaintexts));
        return withoutFields(await renderSecrets(s, request, [row], plaintexts, legacy, brief(request)), omit)[0];
      },
    );

    app.post(
      base,
      {
        config: { hush: changes },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_create`,
          tags: ['netbox'],
          response: { 201: oneOrMany(WriteOut) },
        },
      },
      async (request, reply) => {
        const { caller, actor } = await access(request);
        const body = request.body;
        const many = Array.isArray(body);
        const masterKey = (await masterKeyOf(s, request, caller, { required: true, legacy }))!;
        const parsed = (many ? body : [body]).map((b: unknown) =>
          parseSecret(b, { partial: false, legacy, create: true }),
        );
        const inputs = (await Promise.all(parsed.map(toInput))).map(complete);
        // An empty list creates nothing (and is answered as one).
        if (!inputs.length) noChangeMade(request);
        const rows = await s.secrets.createMany(actor, inputs, masterKey, legacy);
        const out = await writeAnswer(request, rows, parsed);
        return reply.status(201).send(many ? out : out[0]!);
      },
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      const partial = method === 'PATCH';
      app.route({
        method,
        url: `${base}:id/`,
        config: { hush: changes },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_${partial ? 'partial_update' : 'update'}`,
          tags: ['netbox'],
          params: IdParams,
          response: { 200: WriteOut },
        },
        handler: async (request) => {
          const { caller, scope, actor } = await access(request);
          const masterKey = await masterKeyOf(s, request, caller, { required: keyRequired(request), legacy });
          const parsed = parseSecret(request.body, { partial, legacy });
          const rows = await s.secrets.updateMany(
            actor,
            [{ id: request.params.id, input: await toInput(parsed) }],
            masterKey,
            scope,
            legacy,
          );
          return (await writeAnswer(request, rows, [parsed]))[0];
        },
      });
      app.route({
        method,
        url: base,
        config: { hush: changes },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_bulk_${partial ? 'partial_update' : 'update'}`,
          tags: ['netbox'],
          response: { 200: Type.Array(WriteOut) },
        },
        handler: async (request) => {
          const { caller, scope, actor } = await access(request);
          const items = bulkItems(request.body);
          const parsed = items.map((i) => parseSecret(i.body, { partial, legacy }));
          // NetBox's bulk update skips the view's session-key check; the serializer then needs a key only for plaintext.
          const masterKey = await masterKeyOf(s, request, caller, { required: false, legacy });
          const inputs = await Promise.all(parsed.map(toInput));
          const rows = await s.secrets.updateMany(
            actor,
            items.map((it, i) => ({ id: it.id, input: inputs[i]! })),
            masterKey,
            scope,
            legacy,
          );
          return writeAnswer(request, rows, parsed);
        },
      });
    }

    app.delete(
      `${base}:id/`,
      {
        config: { hush: deletes },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_delete`,
          tags: ['netbox'],
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { caller, scope, actor } = await access(request);
        await masterKeyOf(s, request, caller, { required: false, legacy });
        await s.secrets.remove(actor, [request.params.id], scope);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      base,
      {
        config: { hush: deletes },
        schema: {
          operationId: `${legacy ? 'legacy' : 'plugin'}_secrets_bulk_delete`,
          tags: ['netbox'],
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { caller, scope, actor } = await access(request);
        await masterKeyOf(s, request, caller, { required: false, legacy });
        await s.secrets.remove(
          actor,
          bulkItems(request.body).map((i) => i.id),
          scope,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
