import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { forbidden } from '../../../core/errors.js';
import type { UserId } from '../../../core/ids.js';
import { AuditAction, SessionCookie } from '../../../core/names.js';
import type { LegacyEngineContext as EngineContext } from '../../../core/ports.js';
import { auditActorOf, callerOf, reachedOverHttps } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { MSG_BAD_LOGIN } from '../errors.js';
import { LoginBody, SessionOut } from '../schema.js';
import { nestedUser } from '../serializers.js';

/** Cookie login for the browser UI. The CSRF token returned here must accompany every unsafe cookie-authenticated request. */
export function sessionRoutes(ctx: EngineContext): FastifyPluginAsyncTypebox {
  const { users, sessions, audit } = ctx.core;
  return async (app) => {
    app.post('/api/users/login/', {
      config: { hush: { access: 'public' }, rateLimit: { max: ctx.config.provisionRateLimit, timeWindow: '1 minute' } },
      schema: { operationId: 'session_login', tags: ['users'], security: [], body: LoginBody, response: { 200: SessionOut } },
    }, async (request, reply) => {
      const user = await users.checkPassword(request.body.username, request.body.password);
      if (!user) throw forbidden(MSG_BAD_LOGIN, 'login_failed');
      await sessions.purgeExpired();
      const session = await sessions.open(user.id as UserId);
      await users.touchLogin(user.id as UserId);
      await audit.append({ ...auditActorOf(request), userId: user.id, username: user.username }, [
        { engine: 'admin', action: AuditAction.sessionLogin, objectType: 'users.user', objectId: user.id },
      ]);
      reply.setCookie(SessionCookie, session.secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: reachedOverHttps(request),
        expires: new Date(session.expires),
      });
      return { user: nestedUser(request, user), csrf_token: session.csrfToken, expires: session.expires };
    });

    app.post('/api/users/logout/', {
      config: { hush: { access: 'authenticated', allowReadOnlyToken: true } },
      schema: { operationId: 'session_logout', tags: ['users'], response: { 200: Type.Object({ detail: Type.String() }) } },
    }, async (request, reply) => {
      const caller = callerOf(request);
      if (caller.sessionId !== null) {
        await sessions.close(caller.sessionId);
        await audit.append(auditActorOf(request), [{ engine: 'admin', action: AuditAction.sessionLogout, objectType: 'users.user', objectId: caller.user.id }]);
      }
      reply.clearCookie(SessionCookie, { path: '/' });
      return { detail: 'Logged out.' };
    });
  };
}
