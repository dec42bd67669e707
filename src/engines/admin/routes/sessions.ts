import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { forbidden, SessionCookie, type EngineContext, type IdentityPort, type UserId } from '../../../core/ports.js';
import { auditActorOf, callerOf, noChangeMade, reachedOverHttps } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { MSG_BAD_LOGIN } from '../errors.js';
import { LoginBody, SessionOut } from '../schema.js';
import { nestedUser } from '../serializers.js';

/**
 * Cookie login for the browser UI. The CSRF token returned here must accompany every unsafe cookie-authenticated
 * request. Both routes change data: a login opens a session row, a logout removes it, each with its audit entry.
 */
export function sessionRoutes(ctx: EngineContext, identity: IdentityPort): FastifyPluginAsyncTypebox {
  const { users, identityAdmin } = identity;
  return async (app) => {
    app.post(
      '/api/users/login/',
      {
        config: {
          hush: { access: 'public', changesData: true },
          rateLimit: { max: ctx.config.provisionRateLimit, timeWindow: '1 minute' },
        },
        schema: {
          operationId: 'session_login',
          tags: ['users'],
          security: [],
          body: LoginBody,
          response: { 200: SessionOut },
        },
      },
      async (request, reply) => {
        const user = await users.checkPassword(request.body.username, request.body.password);
        if (!user) throw forbidden(MSG_BAD_LOGIN, 'login_failed');
        const session = await identityAdmin.openSession(
          { ...auditActorOf(request), userId: user.id, username: user.username },
          { id: user.id as UserId },
        );
        reply.setCookie(SessionCookie, session.secret, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: reachedOverHttps(request),
          expires: new Date(session.expires),
        });
        return { user: nestedUser(request, user), csrf_token: session.csrfToken, expires: session.expires };
      },
    );

    app.post(
      '/api/users/logout/',
      {
        config: { hush: { access: 'authenticated', allowReadOnlyToken: true, changesData: true } },
        schema: {
          operationId: 'session_logout',
          tags: ['users'],
          response: { 200: Type.Object({ detail: Type.String() }) },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        // A token caller has no session to close: the answer only clears a stale cookie.
        if (caller.sessionId === null) noChangeMade(request);
        else await identityAdmin.closeSession(auditActorOf(request), caller.sessionId, caller.user.id);
        reply.clearCookie(SessionCookie, { path: '/' });
        return { detail: 'Logged out.' };
      },
    );
  };
}
