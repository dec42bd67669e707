import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { forbidden, type AuditEvent } from '../../../core/ports.js';
import { auditActorOf, callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ERR, phaseError } from '../errors.js';
import { HistoryQuery, IdParam, Message, SecretList, SecretsQuery, VersionOut } from '../schema.js';
import type { PhaseContext, SecretAction } from '../service/context.js';
import type { OverrideService } from '../service/overrides.js';
import { readEvents, type SecretService } from '../service/secrets.js';
import { parseCreate, parseDelete, parseUpdate } from '../validate.js';
import { secretIdOf } from './request-env.js';

type Query = { app_id?: string; env?: string };

const CANONICAL = '/secrets/';

const readsOf = (secrets: { id: string; environment: string }[]): AuditEvent[] =>
  secrets.length
    ? readEvents(
        secrets.map((s) => s.id),
        secrets[0]!.environment,
      )
    : [];

/** /v1/secrets/ (docs/wire/phase.md §2), served with and without the trailing slash. */
export function secretRoutes(
  pc: PhaseContext,
  secrets: SecretService,
  overrides: OverrideService,
): FastifyPluginAsyncTypebox {
  /**
   * Phase's order of checks (docs/wire/phase.md §2.0): environment (from `Secret-Id`, else `app_id` + `env`), then
   * access, then SSE.
   */
  async function environmentFor(request: FastifyRequest, action: SecretAction) {
    const caller = callerOf(request);
    const secretId = secretIdOf(request);
    const { app, env } = secretId ? await pc.envOfSecret(secretId) : await pc.resolveEnv(request.query as Query);
    await pc.requireSecretAccess(caller, env, action);
    if (app.sse_enabled !== 1) throw phaseError('invalid', ERR.sseOff);
    return { caller, env, actor: auditActorOf(request) };
  }

  const rules = { access: 'authenticated', returnsPlaintext: true } as const;
  const writes = { ...rules, changesData: true } as const;

  return async (app) => {
    // The twin without the slash is served alike and left out of the OpenAPI document.
    for (const url of [CANONICAL, '/secrets']) {
      app.get(
        url,
        {
          config: { hush: rules },
          schema: {
            operationId: 'phase_secrets_list',
            tags: ['phase'],
            hide: url !== CANONICAL,
            querystring: SecretsQuery,
            response: { 200: SecretList },
          },
        },
        async (request, reply) => {
          const { caller, env } = await environmentFor(request, 'view');
          const result = await secrets.list(caller, env, request.query);
          recordPlaintextReads(request, result.reads);
          // A prepared JSON text is sent as is (Fastify serializes objects only).
          if (typeof result.secrets === 'string') reply.type('application/json; charset=utf-8');
          return result.secrets as never;
        },
      );

      app.post(
        url,
        {
          config: { hush: writes },
          schema: {
            operationId: 'phase_secrets_create',
            tags: ['phase'],
            hide: url !== CANONICAL,
            querystring: SecretsQuery,
            response: { 200: SecretList },
          },
        },
        async (request) => {
          const { caller, env, actor } = await environmentFor(request, 'add');
          const created = await secrets.create(caller, actor, env, parseCreate(request.body));
          recordPlaintextReads(request, readsOf(created));
          return created;
        },
      );

      app.put(
        url,
        {
          config: { hush: writes },
          schema: {
            operationId: 'phase_secrets_update',
            tags: ['phase'],
            hide: url !== CANONICAL,
            querystring: SecretsQuery,
            response: { 200: SecretList },
          },
        },
        async (request) => {
          const { caller, env, actor } = await environmentFor(request, 'change');
          const updated = await secrets.update(caller, actor, env, parseUpdate(request.body));
          recordPlaintextReads(request, readsOf(updated));
          return updated;
        },
      );

      app.delete(
        url,
        {
          config: { hush: { access: 'authenticated', changesData: true } },
          schema: {
            operationId: 'phase_secrets_delete',
            tags: ['phase'],
            hide: url !== CANONICAL,
            querystring: SecretsQuery,
            response: { 200: Message },
          },
        },
        async (request) => {
          const { env, actor } = await environmentFor(request, 'delete');
          const n = await secrets.remove(actor, env, parseDelete(request.body));
          return { message: `Deleted ${n} ${n === 1 ? 'secret' : 'secrets'}` };
        },
      );

      // Phase answers 403, not 405, for other methods on this view (docs/wire/phase.md §2.0 step 4).
      app.route({
        method: 'PATCH',
        url,
        config: { hush: { access: 'authenticated', changesData: false } },
        schema: { hide: true },
        handler: async (request) => {
          throw forbidden(ERR.unsupportedMethod(request.method));
        },
      });
    }

    app.get(
      '/secrets/:id/history/',
      {
        config: { hush: rules },
        schema: {
          operationId: 'phase_secret_history',
          tags: ['phase'],
          params: IdParam,
          querystring: HistoryQuery,
          response: { 200: Type.Array(VersionOut) },
        },
      },
      async (request) => {
        const { env } = await environmentFor(request, 'view');
        const result = await secrets.history(env, request.params.id, { latest: request.query.latest === '1' });
        recordPlaintextReads(request, result.reads);
        return result.versions;
      },
    );

    app.post(
      '/secrets/:id/restore/',
      {
        config: { hush: writes },
        schema: {
          operationId: 'phase_secret_restore',
          tags: ['phase'],
          params: IdParam,
          querystring: SecretsQuery,
          response: { 200: SecretList },
        },
      },
      async (request) => {
        const { caller, env, actor } = await environmentFor(request, 'change');
        const restored = await secrets.restore(caller, actor, env, request.params.id, request.body);
        recordPlaintextReads(request, readsOf(restored));
        return restored;
      },
    );

    // Beyond Phase (its REST API can only deactivate an override): the caller's own override goes.
    app.delete(
      '/secrets/:id/override/',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: {
          operationId: 'phase_override_delete',
          tags: ['phase'],
          summary: "Remove the caller's personal override of a secret",
          params: IdParam,
          querystring: SecretsQuery,
          response: { 200: Message },
        },
      },
      async (request) => {
        const { caller, env, actor } = await environmentFor(request, 'change');
        await overrides.remove(caller, actor, env, request.params.id);
        return { message: 'Override removed' };
      },
    );
  };
}
