import type { FastifyRequest } from 'fastify';
import { unauthenticated, type Caller } from '../../core/ports.js';

/**
 * Phase sends `Authorization: Bearer <Type> <token>` with Type `User` (a person), `ServiceAccount` or `Service`
 * (docs/wire/phase.md §3.1); the seed's examples send plain `Bearer <token>`, so that works too. The type word must
 * match the token's owner, so a person's token cannot pose as a service account's, or the reverse.
 */
export type PhaseTokenType = 'User' | 'ServiceAccount' | 'Service';
const TYPES = new Set<string>(['User', 'ServiceAccount', 'Service']);

/**
 * The credential and its declared type, read from the header itself each time it is asked for: nothing about a
 * request is kept beside it, and the header cannot change between authentication and the handler.
 */
function phaseAuthorization(request: FastifyRequest): { credential: string; type?: PhaseTokenType } | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const parts = header.trim().split(/\s+/);
  if (parts[0]?.toLowerCase() === 'token' && parts.length === 2) return { credential: parts[1]! };
  if (parts[0]?.toLowerCase() !== 'bearer') return undefined;
  if (parts.length === 2) return { credential: parts[1]! };
  if (parts.length === 3 && TYPES.has(parts[1]!)) return { credential: parts[2]!, type: parts[1] as PhaseTokenType };
  throw unauthenticated('Invalid token', 'header_malformed');
}

/** The engine's `extractCredential`: the token of any of Phase's header forms. */
export function extractPhaseCredential(request: FastifyRequest): string | undefined {
  return phaseAuthorization(request)?.credential;
}

/** `Bearer User <t>` must be a person's token and `Bearer ServiceAccount|Service <t>` a service account's. */
export function checkTokenType(request: FastifyRequest, caller: Caller): void {
  const type = phaseAuthorization(request)?.type;
  if (type === undefined) return;
  if ((type === 'User') !== (caller.user.kind === 'person'))
    throw unauthenticated('Token expired or deleted', 'token_invalid');
}
