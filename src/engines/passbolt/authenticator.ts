import type { FastifyRequest } from 'fastify';
import { unauthenticated, type Caller } from '../../core/ports.js';
import { looksLikeJwt } from './jwt.js';
import type { AuthService } from './service/auth.js';

/**
 * Passbolt clients send `Authorization: Bearer <JWT access token>`; Hush API tokens arrive the same way. A bearer
 * value shaped like a JWT is ours to check and never falls through to the token store; anything else is left to the core.
 */
export function passboltAuthenticate(auth: AuthService) {
  return async (request: FastifyRequest): Promise<Caller | null | undefined> => {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !looksLikeJwt(match[1]!)) return undefined;
    const caller = await auth.callerOfAccessToken(match[1]!);
    // Clients refresh or log in again precisely when their access token has expired, often still sending it.
    if (!caller && request.routeOptions.config.hush?.access === 'public') return null;
    if (!caller) throw unauthenticated('The access token is invalid or expired.', 'token_invalid');
    return caller;
  };
}
