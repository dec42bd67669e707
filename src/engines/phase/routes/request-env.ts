import type { FastifyRequest } from 'fastify';

/** One request header's value (the first, if it was sent twice). */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A header under either spelling Phase reads: Django looks `secret_id` up as `Secret-Id` (its header lookup turns
 * `_` into `-`), and a client sending the underscore form reaches it through servers that keep such headers.
 */
export function phaseHeader(request: FastifyRequest, name: string): string | undefined {
  return header(request, name) ?? header(request, name.replace(/-/g, '_'));
}

/** `Secret-Id` header, else `secret_id` query (docs/wire/phase.md §3.1); empty counts as absent. */
export function secretIdOf(request: FastifyRequest): string | undefined {
  const query = request.query as { secret_id?: unknown };
  const fromQuery = typeof query.secret_id === 'string' ? query.secret_id : undefined;
  return phaseHeader(request, 'secret-id') || fromQuery || undefined;
}
