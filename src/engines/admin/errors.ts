import type { FastifyReply, FastifyRequest } from 'fastify';
import { defaultStatus, type HushError } from '../../core/errors.js';

/**
 * The admin API speaks NetBox's REST dialect (so pynetbox can drive it): `{"detail": …}` for most errors,
 * `{"<field>": ["message"]}` for validation, and 403 (not 401) for missing or bad credentials, as NetBox does
 * (shared/specs/netbox.md §3.0, "Error bodies").
 */
export const NETBOX_API_VERSION = '4.6';

export const MSG_NO_CREDENTIALS = 'Authentication credentials were not provided.';
export const MSG_BAD_LOGIN = 'Invalid username or password.';

// NetBox answers 403, not 401, for missing or bad credentials (its first authenticator has no challenge).
const STATUS: Record<HushError['kind'], number> = { ...defaultStatus, unauthenticated: 403 };

function fieldErrors(error: HushError): Record<string, string[]> {
  const body: Record<string, string[]> = {};
  for (const p of error.problems) (body[p.field || 'non_field_errors'] ??= []).push(p.message);
  return body;
}

export function renderAdminError(error: HushError, _request: FastifyRequest) {
  // A unique-field clash is a field error in NetBox (400); a conflict without a field is a 409.
  if ((error.kind === 'invalid' || error.kind === 'conflict') && error.problems.length) {
    return { status: 400, body: fieldErrors(error), headers: { 'API-Version': NETBOX_API_VERSION } };
  }
  return { status: STATUS[error.kind], body: { detail: error.message }, headers: { 'API-Version': NETBOX_API_VERSION } };
}

/** Every admin response carries the header pynetbox reads as `nb.version`. */
export function addApiVersion(_request: FastifyRequest, reply: FastifyReply, done: () => void) {
  reply.header('API-Version', NETBOX_API_VERSION);
  done();
}
