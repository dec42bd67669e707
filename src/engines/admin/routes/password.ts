import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EngineContext, IdentityPort } from '../../../core/ports.js';
import { auditActorOf, callerOf } from '../../../http/route-kit.js';
import { Password, Type } from '../../../http/schemas.js';

export const PasswordChangeBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024, description: 'The password the user has now' }),
    new_password: Password,
  },
  { additionalProperties: false },
);

/**
 * `POST /api/users/me/password/` (beyond NetBox, whose REST API has no self-service password change): the caller
 * changes its own password, proving it with the current one. Every other login session of the user is closed; the
 * session asking stays signed in. Rate-limited like login, since it checks a password.
 */
export function passwordRoutes(ctx: EngineContext, identity: IdentityPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/users/me/password/',
      {
        config: {
          hush: { access: 'authenticated', changesData: true },
          rateLimit: { max: ctx.config.provisionRateLimit, timeWindow: '1 minute' },
        },
        schema: {
          operationId: 'users_me_password',
          tags: ['users'],
          summary: "Change the caller's own password (needs the current one; signs out its other sessions)",
          body: PasswordChangeBody,
          response: {
            200: Type.Object({
              detail: Type.String(),
              sessions_closed: Type.Integer({ description: "How many of the user's other login sessions were closed" }),
            }),
          },
        },
      },
      async (request) => {
        const { sessionsClosed } = await identity.identityAdmin.changeOwnPassword(
          auditActorOf(request),
          callerOf(request),
          request.body.current_password,
          request.body.new_password,
        );
        return { detail: 'Password changed.', sessions_closed: sessionsClosed };
      },
    );
  };
}
