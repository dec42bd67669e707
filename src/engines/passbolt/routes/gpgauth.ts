import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HushError, type HushConfig } from '../../../core/ports.js';
import { auditActorOf, noChangeMade, reachedOverHttps } from '../../../http/route-kit.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../authenticator.js';
import { header, ok } from '../envelope.js';
import { installFormBodies } from '../form-body.js';
import { envelope, NoBody, tags } from '../schema.js';
import { Type } from '../../../http/schemas.js';
import { GPGAUTH_VERSION, type GpgAuthService, type StageResult } from '../service/gpgauth.js';

/** The X-GPGAuth-* headers a browser script may read (GpgAuthenticator::HTTP_HEADERS_WHITELIST). */
const EXPOSED = [
  'X-GPGAuth-Verify-Response',
  'X-GPGAuth-Progress',
  'X-GPGAuth-User-Auth-Token',
  'X-GPGAuth-Authenticated',
  'X-GPGAuth-Refer',
  'X-GPGAuth-Debug',
  'X-GPGAuth-Error',
  'X-GPGAuth-Pubkey',
  'X-GPGAuth-Logout-Url',
  'X-GPGAuth-Version',
].join(', ');

/**
 * GpgAuthHeadersMiddleware: every answer to a request that is not a JWT one announces the protocol and its URLs,
 * which is how clients tell a GPGAuth server (and its version) apart.
 */
export function installGpgAuthHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.headers.authorization !== undefined || request.url.startsWith('/auth/jwt/')) return payload;
    reply.headers({
      'X-GPGAuth-Version': GPGAUTH_VERSION,
      'X-GPGAuth-Login-URL': '/auth/login',
      'X-GPGAuth-Logout-URL': '/auth/logout',
      'X-GPGAuth-Verify-URL': '/auth/verify',
      'X-GPGAuth-Pubkey-URL': '/auth/verify.json',
      'Access-Control-Expose-Headers': EXPOSED,
    });
    return payload;
  });
}

/** Any of the stages' bodies: a user on success, null otherwise. */
const LoginAnswer = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]);

/**
 * POST /auth/verify.json and /auth/login.json (both AuthLogin.loginPost in passbolt_api) and POST /auth/logout.json
 * (AuthLogout.logout; its GET form is off by default in Passbolt, passbolt.security.getLogoutEndpointEnabled, and
 * absent here). Logins cost OpenPGP work and are open, so each client address gets HUSH_PROVISION_RATE_LIMIT
 * requests a minute across the stages.
 */
export function gpgAuthRoutes(
  gpgauth: GpgAuthService,
  config: Pick<HushConfig, 'provisionRateLimit'>,
): FastifyPluginAsyncTypebox {
  const loginConfig = {
    hush: { access: 'public', changesData: true },
    rateLimit: { max: config.provisionRateLimit, timeWindow: '1 minute' },
  } as const;

  const answer = (request: FastifyRequest, reply: FastifyReply, result: StageResult) => {
    reply.headers(result.headers);
    if (result.outcome === 'refused') throw new HushError('invalid', result.message, { reason: 'gpgauth_refused' });
    if (result.outcome === 'partial') {
      // A nonce handed out or checked is not a change the log records (the login it leads to is).
      noChangeMade(request);
      return { header: header(request, 'error', 200, result.message), body: null };
    }
    const session = result.session!;
    const secure = reachedOverHttps(request);
    const expires = new Date(session.expires);
    reply.setCookie(SESSION_COOKIE, session.secret, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
    // Not httpOnly: the web app reads it to send X-CSRF-Token, as with CakePHP's CSRF cookie.
    reply.setCookie(CSRF_COOKIE, session.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires });
    return ok(request, (result.user ?? null) as Record<string, unknown> | null, result.message);
  };

  return async (app) => {
    installFormBodies(app);
    for (const [path, operationId] of [
      ['/auth/login.json', 'passbolt_auth_login'],
      ['/auth/verify.json', 'passbolt_auth_verify_post'],
    ] as const) {
      app.post(
        path,
        { config: loginConfig, schema: { operationId, tags, response: envelope(LoginAnswer) } },
        async (request, reply) => answer(request, reply, await gpgauth.login(request.body, auditActorOf(request))),
      );
    }

    app.post(
      '/auth/logout.json',
      {
        config: { hush: { access: 'public', changesData: true } },
        schema: { operationId: 'passbolt_auth_logout', tags, response: envelope(NoBody) },
      },
      async (request, reply) => {
        const caller = request.caller;
        if (caller?.sessionId == null) noChangeMade(request);
        else await gpgauth.logout({ ...caller, sessionId: caller.sessionId }, auditActorOf(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        reply.clearCookie(CSRF_COOKIE, { path: '/' });
        return ok(request, null, 'You are successfully logged out.');
      },
    );
  };
}
