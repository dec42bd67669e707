import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../../core/errors.js';
import type { Caller } from '../../core/ports.js';

/**
 * Phase sends `Authorization: Bearer <Type> <token>` with Type `User` (a person), `ServiceAccount` or `Service`
 * (docs/wire/phase.md §3.1); the seed's examples send plain `Bearer <token>`, so that works too. The type word is
 * remembered so a person's token cannot pose as a service account's, or the reverse.
 */
export type PhaseTokenType = 'User' | 'ServiceAccount' | 'Service';
const TYPES = new Set<string>(['User', 'ServiceAccount', 'Service']);
const declaredType = new WeakMap<FastifyRequest, PhaseTokenType>();

export function extractPhaseCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const parts = header.trim().split(/\s+/);
  if (parts[0]?.toLowerCase() === 'token' && parts.length === 2) return parts[1];
  if (parts[0]?.toLowerCase() !== 'bearer') return undefined;
  if (parts.length === 2) return parts[1];
  if (parts.length === 3 && TYPES.has(parts[1]!)) {
    declaredType.set(request, parts[1] as PhaseTokenType);
    return parts[2];
  }
  throw unauthenticated('Invalid token', 'header_malformed');
}

export function tokenTypeOf(request: FastifyRequest): PhaseTokenType | undefined {
  return declaredType.get(request);
}

/** `Bearer User <t>` must be a person's token and `Bearer ServiceAccount|Service <t>` a service account's. */
export function checkTokenType(request: FastifyRequest, caller: Caller): void {
  const type = declaredType.get(request);
  if (type === undefined) return;
  if ((type === 'User') !== (caller.user.kind === 'person')) throw unauthenticated('Token expired or deleted', 'token_invalid');
}
