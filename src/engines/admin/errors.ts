import type { FastifyRequest } from 'fastify';
import type { HushError } from '../../core/ports.js';
import { apiVersionHook, renderNetboxError } from '../../http/netbox-rest.js';

/**
 * The admin API speaks NetBox's REST dialect (so pynetbox can drive it); the envelope itself is shared with the
 * NetBox engine through src/http/netbox-rest.ts.
 */
export { NETBOX_API_VERSION } from '../../http/netbox-rest.js';

export const MSG_BAD_LOGIN = 'Invalid username or password.';

export function renderAdminError(error: HushError, _request: FastifyRequest) {
  return renderNetboxError(error);
}

/** Every admin response carries the header pynetbox reads as `nb.version`. */
export const addApiVersion = apiVersionHook();
