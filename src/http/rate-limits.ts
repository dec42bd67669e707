import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The budget key of an authenticated route: the user, so the budget follows an account across addresses and users
 * sharing one address (a NAT, a proxy) do not spend each other's.
 */
const callerBudgetKey = (request: FastifyRequest): string =>
  request.caller ? `user:${request.caller.user.id}` : `address:${request.ip}`;

/**
 * A per-user limit for `preHandler` (it runs after the core has identified the caller). Every route given the same
 * returned hook draws on one budget; counts live in this process only.
 */
export function perUserRateLimit(app: FastifyInstance, perMinute: number) {
  return app.rateLimit({ max: perMinute, timeWindow: '1 minute', keyGenerator: callerBudgetKey });
}
