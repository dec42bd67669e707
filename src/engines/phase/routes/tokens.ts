import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { forbidden, HushError, invalid, isoTimeOf, notFound, type UserId } from '../../../core/ports.js';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { MintedTokenOut } from '../schema.js';
import type { PhaseServices } from '../services.js';
import { parseBody } from '../validate.js';

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw invalid(field, `must be a string of at most ${max} characters`);
  return v;
}

function idList(body: Record<string, unknown>, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((id) => typeof id !== 'string') || v.length > 1000)
    throw invalid(field, 'must be a list of ids (at most 1000)');
  return v as string[];
}

function expiry(body: Record<string, unknown>): string | null {
  const v = body.expires;
  if (v === undefined || v === null) return null;
  const time = typeof v === 'string' ? isoTimeOf(v) : undefined;
  if (time === undefined) throw invalid('expires', 'must be an ISO-8601 date-time, e.g. 2027-01-01T00:00:00Z');
  return time;
}

/**
 * `POST /v1/tokens/` (beyond Phase, which mints tokens in its console): a Phase-format token for the caller, or for
 * another user or service account given `users.token` add permission. Revoked like every token, through
 * `DELETE /api/users/tokens/{id}/` or `hush admin token revoke`.
 */
export function phaseTokenRoutes({
  ctx,
  pc,
  tokens,
}: Pick<PhaseServices, 'ctx' | 'pc' | 'tokens'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/tokens/',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: { operationId: 'phase_tokens_create', tags: ['phase'], response: { 201: MintedTokenOut } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        // A narrowed token must not mint itself a wider one.
        if (await pc.tokenScope(caller))
          throw forbidden('A token narrowed to some apps or environments cannot mint tokens.');
        const body = parseBody(request.body);
        const who = body.user;
        if (who !== undefined && who !== null && typeof who !== 'string' && typeof who !== 'number')
          throw invalid('user', 'must be a username or a user id');
        const owner =
          who === undefined || who === null
            ? await ctx.users.get(caller.user.id)
            : typeof who === 'number'
              ? await ctx.users.get(who).catch((e: unknown) => {
                  if (e instanceof HushError && e.kind === 'not_found') return undefined;
                  throw e;
                })
              : await ctx.users.findByUsername(who);
        if (!owner) throw notFound('User');
        const writeEnabled = body.write_enabled;
        if (writeEnabled !== undefined && typeof writeEnabled !== 'boolean')
          throw invalid('write_enabled', 'must be true or false');
        const minted = await tokens.mint(
          caller,
          auditActorOf(request),
          { id: owner.id as UserId, kind: owner.kind },
          {
            description: optionalString(body, 'description', 200),
            expires: expiry(body),
            writeEnabled,
            apps: idList(body, 'apps'),
            environments: idList(body, 'environments'),
          },
        );
        return reply.status(201).send({
          id: minted.tokenId,
          user: { id: owner.id, username: owner.username, kind: owner.kind },
          token: minted.token,
          bearer_token: minted.bearerToken,
          scope: minted.scope,
        });
      },
    );
  };
}
