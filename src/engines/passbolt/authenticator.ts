import type { FastifyRequest } from 'fastify';
import { CsrfHeader, isHushError, unauthenticated, type Caller, type SessionPort } from '../../core/ports.js';
import { looksLikeJwt } from './jwt.js';
import type { AuthService } from './service/auth.js';

/** Passbolt's cookies (config/app.default.php Session.cookie; CakePHP's CsrfProtectionMiddleware cookie). */
export const SESSION_COOKIE = 'passbolt_session';
export const CSRF_COOKIE = 'csrfToken';

/**
 * Routes that take no CSRF token (passbolt.security.csrfProtection.unlockedActions: AuthLogin.loginPost) and look at
 * no credential: a login starts a new session, so a cookie left by an old one (or the console's `hush_session`, which
 * the same browser sends to every path) plays no part in it. The JWT login and refresh are the same for the same
 * reason: their proof is in the body.
 */
const SESSIONLESS = new Set([
  'passbolt_auth_login',
  'passbolt_auth_verify_post',
  'passbolt_jwt_login',
  'passbolt_jwt_refresh',
]);

const operationOf = (request: FastifyRequest) =>
  (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId;

/**
 * Passbolt's clients authenticate three ways: `Authorization: Bearer <JWT access token>` (the JWT login), Hush API
 * tokens sent the same way (left to the core), and the GPGAuth session cookie with the CSRF token echoed in
 * `X-CSRF-Token` on unsafe requests (the browser extension). A bearer value shaped like a JWT is ours to check and
 * never falls through to the token store.
 */
export function passboltAuthenticate(auth: AuthService, sessions: SessionPort) {
  return async (request: FastifyRequest): Promise<Caller | null | undefined> => {
    const isPublic = request.routeOptions.config.hush?.access === 'public';
    if (SESSIONLESS.has(operationOf(request) ?? '')) return null;
    const authorization = request.headers.authorization;
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match && looksLikeJwt(match[1]!)) {
      const caller = await auth.callerOfAccessToken(match[1]!);
      // Clients refresh or log in again precisely when their access token has expired, often still sending it.
      if (!caller && isPublic) return null;
      if (!caller) throw unauthenticated('The access token is invalid or expired.', 'token_invalid');
      return caller;
    }
    const secret = request.cookies?.[SESSION_COOKIE];
    if (authorization !== undefined) return undefined;
    // Passbolt's open routes (server key, settings, logout) are for Passbolt's clients: the console's cookie is not
    // theirs, and a stale one must not turn them into a 403 (nor a Passbolt logout end the console's session).
    if (!secret) return isPublic ? null : undefined;
    const csrf = request.headers[CsrfHeader];
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    try {
      return await sessions.authenticate(secret, typeof csrf === 'string' ? csrf : undefined, unsafe);
    } catch (e) {
      // An expired session on a public route is no caller; a missing CSRF token is refused everywhere.
      if (isPublic && isHushError(e) && e.reason !== 'csrf_failed') return null;
      throw e;
    }
  };
}
