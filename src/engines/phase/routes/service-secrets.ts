import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { SecretAction } from '../service/context.js';
import { auditActorOf, callerOf, noChangeMade, recordPlaintextReads } from '../../../http/route-kit.js';
import { E2eeSecretList, EmptyOut, EnvHeader, EnvQuery, ListHeaders, TokenInfoOut } from '../schema.js';
import type { E2eeService } from '../service/e2ee.js';
import { ERR, phaseError } from '../errors.js';
import { header, phaseHeader, secretIdOf } from './request-env.js';

type Query = { app_id?: string; env?: string };

/** A header Phase counts as set: present with any value but `false` (any case). */
const isOn = (value: string | undefined) => value !== undefined && value.toLowerCase() !== 'false';

/**
 * `Dynamic: true` (or `Include-Dynamic`), which the golang-sdk sends for `phase secrets list --dynamic`, asks Phase to
 * append the environment's dynamic secrets, with `Lease: true` a lease of each and `Lease-Ttl` its TTL. Hush has no
 * dynamic secrets, so the answer is the static list, as Phase's for an environment without any; a TTL that is not
 * an integer is refused as Phase refuses it.
 */
function checkDynamicHeaders(request: FastifyRequest): void {
  if (!isOn(phaseHeader(request, 'dynamic')) && !isOn(phaseHeader(request, 'include-dynamic'))) return;
  const ttl = phaseHeader(request, 'lease-ttl');
  if (ttl && !/^\s*[+-]?\d+\s*$/.test(ttl)) throw phaseError('invalid', ERR.leaseTtl);
}

/**
 * Phase's end-to-end-encrypted API (docs/wire/phase.md §5.2), which its CLI, SDKs and Kubernetes operator speak:
 * the environment comes from the `Environment` header, filters from headers, writes answer 200 with no body.
 */
export function serviceSecretRoutes(e2ee: E2eeService): FastifyPluginAsyncTypebox {
  async function environmentFor(request: FastifyRequest, action: SecretAction) {
    const caller = callerOf(request);
    const env = await e2ee.environment(
      caller,
      { secretId: secretIdOf(request), environment: header(request, 'environment') },
      request.query as Query,
      action,
    );
    return { caller, env, actor: auditActorOf(request) };
  }

  const rules = { access: 'authenticated', returnsPlaintext: true } as const;
  const writes = { hush: { access: 'authenticated', changesData: true } } as const;
  const phaseTags = ['phase'];
  const write = (operationId: string) => ({
    operationId,
    tags: phaseTags,
    headers: EnvHeader,
    querystring: EnvQuery,
    response: { 200: EmptyOut },
  });

  return async (app) => {
    app.get(
      '/service/secrets/tokens/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: { operationId: 'phase_e2ee_token_info', tags: phaseTags, response: { 200: TokenInfoOut } },
      },
      async (request) => e2ee.tokenInfo(callerOf(request)),
    );

    app.get(
      '/service/secrets/',
      {
        config: { hush: rules },
        schema: {
          operationId: 'phase_e2ee_secrets_list',
          tags: phaseTags,
          headers: ListHeaders,
          querystring: EnvQuery,
          response: { 200: E2eeSecretList },
        },
      },
      async (request, reply) => {
        const { caller, env } = await environmentFor(request, 'view');
        checkDynamicHeaders(request);
        const tags = header(request, 'tags');
        const result = await e2ee.list(
          caller,
          env,
          {
            keyDigest: e2ee.checkDigest(header(request, 'keydigest')),
            path: header(request, 'path') || undefined,
            tags: tags
              ? tags
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean)
              : undefined,
          },
          header(request, 'x-use-camel-case')?.toLowerCase() === 'true',
        );
        recordPlaintextReads(request, result.reads);
        // A prepared JSON text is sent as is (Fastify serializes objects only).
        if (typeof result.body === 'string') reply.type('application/json; charset=utf-8');
        return result.body as never;
      },
    );

    app.post(
      '/service/secrets/',
      { config: writes, schema: write('phase_e2ee_secrets_create') },
      async (request, reply) => {
        const { caller, env, actor } = await environmentFor(request, 'add');
        await e2ee.create(caller, actor, env, request.body);
        return reply.status(200).send();
      },
    );

    app.put(
      '/service/secrets/',
      { config: writes, schema: write('phase_e2ee_secrets_update') },
      async (request, reply) => {
        const { caller, env, actor } = await environmentFor(request, 'change');
        await e2ee.update(caller, actor, env, request.body);
        return reply.status(200).send();
      },
    );

    app.delete(
      '/service/secrets/',
      { config: writes, schema: write('phase_e2ee_secrets_delete') },
      async (request, reply) => {
        const { env, actor } = await environmentFor(request, 'delete');
        // Unknown ids are skipped here, as Phase does: a request naming none that exists deletes nothing.
        if ((await e2ee.remove(actor, env, request.body)) === 0) noChangeMade(request);
        return reply.status(200).send();
      },
    );
  };
}
