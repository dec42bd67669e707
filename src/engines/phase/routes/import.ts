import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditActorOf, callerOf, noChangeMade } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ERR, phaseError } from '../errors.js';
import { SecretsQuery } from '../schema.js';
import type { PhaseContext } from '../service/context.js';
import { IMPORT_LIMITS, parseImport, type ImportService } from '../service/import.js';

const ImportResult = Type.Object({
  dry_run: Type.Boolean(),
  revision: Type.Integer({
    description: 'the environment revision the plan was made against; send it back as if_revision to apply that plan',
  }),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  secrets: Type.Array(
    Type.Object({
      key: Type.String(),
      path: Type.String(),
      outcome: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('unchanged')], {
        description: 'what the import does (or did) to this key',
      }),
    }),
  ),
});

/**
 * `POST /v1/secrets/import/?app_id=&env=` (beyond Phase): `{"secrets": [{key, value, comment?, path?, tags?, type?}],
 * "dry_run"?: bool, "if_revision"?: int}` creates missing keys and updates changed ones in one transaction. The answer
 * names keys and outcomes only, never values, and the revision it was planned against; an apply sending that
 * revision as `if_revision` is refused (409) when the environment was written since. Used by `hush import` and `hush secrets set`, which send an `Idempotency-Key`: a
 * request repeating a key that was applied gets the stored answer (header `Idempotent-Replayed: true`), not a second
 * import.
 */
export function importRoutes(pc: PhaseContext, service: ImportService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/secrets/import/',
      {
        bodyLimit: IMPORT_LIMITS.bodyBytes,
        config: { hush: { access: 'authenticated', idempotent: true, changesData: true } },
        schema: {
          operationId: 'phase_secrets_import',
          tags: ['phase'],
          querystring: SecretsQuery,
          response: { 200: ImportResult },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        // Phase's order of checks (docs/wire/phase.md §2.0): environment, access, SSE; then the body.
        const { app: owner, env } = await pc.resolveEnv(request.query);
        await pc.requireSecretAccess(caller, env, 'view');
        if (owner.sse_enabled !== 1) throw phaseError('invalid', ERR.sseOff);
        const parsed = parseImport(request.body);
        const answer = await service.run(caller, auditActorOf(request), env, parsed, request.idempotency);
        // A dry run, or a file that matches what is stored, writes no secret and so no audit entry.
        if (answer.dry_run || answer.created + answer.updated === 0) noChangeMade(request);
        return answer;
      },
    );
  };
}
