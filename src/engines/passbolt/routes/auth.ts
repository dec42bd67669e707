import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HushConfig } from '../../../core/ports.js';
import { auditActorOf, callerOf, publicOrigin, reachedOverHttps } from '../../../http/route-kit.js';
import { ok } from '../envelope.js';
import { envelope, Jwks, JwtKey, LoginChallenge, NoBody, ServerKey, tags, Tokens } from '../schema.js';
import type { AuthService } from '../service/auth.js';
import { bodyObject } from '../service/validate.js';

const open = { hush: { access: 'public' } } as const;
const authenticated = { hush: { access: 'authenticated' } } as const;
const REFRESH_COOKIE = 'refresh_token';

/** The base URL the client reached us at; challenges name it as their domain. */
export const originOf = (request: FastifyRequest) => publicOrigin(request);

function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string) {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: reachedOverHttps(request),
    sameSite: 'strict',
    path: '/',
  });
}

/**
 * /auth/verify.json and /auth/jwt/* (passbolt_api plugins/PassboltCe/JwtAuthentication/config/routes.php). Login and
 * refresh are open routes that cost OpenPGP or RSA work, so each client address gets a budget per minute, as the
 * core's password login and token provisioning do; a 429 comes in Passbolt's envelope with Retry-After.
 */
export function authRoutes(
  auth: AuthService,
  config: Pick<HushConfig, 'provisionRateLimit' | 'limits'>,
): FastifyPluginAsyncTypebox {
  const loginConfig = {
    hush: { access: 'public', changesData: true },
    rateLimit: { max: config.provisionRateLimit, timeWindow: '1 minute' },
  } as const;
  // A refresh swaps the caller's refresh token for a new one: credential upkeep every few minutes, which the log
  // leaves out (it records the login and the logout of the session), so it is not a change to audit.
  const refreshConfig = {
    hush: { access: 'public', changesData: false },
    rateLimit: { max: config.limits.jwtRefreshRateLimit, timeWindow: '1 minute' },
  } as const;
  return async (app) => {
    app.get(
      '/auth/verify.json',
      { config: open, schema: { operationId: 'passbolt_auth_verify', tags, response: envelope(ServerKey) } },
      async (request) => ok(request, await auth.verifyKey()),
    );

    app.get(
      '/auth/jwt/rsa.json',
      { config: open, schema: { operationId: 'passbolt_jwt_rsa', tags, response: envelope(JwtKey) } },
      async (request) => ok(request, { keydata: (await auth.jwtPublic()).keydata }),
    );

    app.get(
      '/auth/jwt/jwks.json',
      { config: open, schema: { operationId: 'passbolt_jwt_jwks', tags, response: envelope(Jwks) } },
      async (request) => ok(request, { keys: [(await auth.jwtPublic()).jwk] }),
    );

    app.post(
      '/auth/jwt/login.json',
      { config: loginConfig, schema: { operationId: 'passbolt_jwt_login', tags, response: envelope(LoginChallenge) } },
      async (request) =>
        ok(request, await auth.login(bodyObject(request.body), originOf(request), auditActorOf(request))),
    );

    app.post(
      '/auth/jwt/refresh.json',
      { config: refreshConfig, schema: { operationId: 'passbolt_jwt_refresh', tags, response: envelope(Tokens) } },
      async (request, reply) => {
        const { accessToken, refreshToken } = await auth.refresh(
          bodyObject(request.body),
          request.cookies[REFRESH_COOKIE],
          originOf(request),
        );
        setRefreshCookie(request, reply, refreshToken);
        // Passbolt hands the new refresh token out only as a cookie; scripts find it in the body too.
        return ok(request, { access_token: accessToken, refresh_token: refreshToken });
      },
    );

    app.post(
      '/auth/jwt/logout.json',
      {
        config: { hush: { access: 'authenticated', changesData: true } },
        schema: { operationId: 'passbolt_jwt_logout', tags, response: envelope(NoBody) },
      },
      async (request, reply) => {
        await auth.logout(
          callerOf(request),
          bodyObject(request.body),
          request.cookies[REFRESH_COOKIE],
          auditActorOf(request),
        );
        reply.clearCookie(REFRESH_COOKIE, { path: '/' });
        return ok(request, null, 'You are successfully logged out.');
      },
    );

    app.get(
      '/auth/is-authenticated.json',
      { config: authenticated, schema: { operationId: 'passbolt_is_authenticated', tags, response: envelope(NoBody) } },
      async (request) => ok(request, null),
    );
  };
}
