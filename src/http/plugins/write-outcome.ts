import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HushError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import { isStoreFault, StoreFaultReason } from '../../core/store/faults.js';
import { changeKeyOf } from './audit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether a transaction holding this request's change entries has committed (core/store/after-commit.ts). */
    changeSaved(): boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every change commits with its audit entry (docs/audit.md §3), and the audit log learns when a transaction holding a
 * request's entries commits: so whether a request has saved a change is known without following its async calls.
 */
export function installWriteOutcome(app: FastifyInstance, core: Core): void {
  app.decorateRequest('changeSaved', function (this: FastifyRequest) {
    return core.audit.changeSaved(changeKeyOf(this));
  });
}

/**
 * A request that failed on the server after its change was committed (say, the audit entry for the secret values in
 * its answer could not be written on a full disk) is told so: the change is saved, only the answer is lost, and
 * repeating the change would apply it twice.
 */
export function afterSavedChange(error: HushError, request: FastifyRequest): HushError {
  // A framework error (a malformed URL, say) comes with a request Fastify built before routing, without the
  // server's decorations: no handler ran, so nothing was saved.
  if (SAFE_METHODS.has(request.method) || typeof request.changeSaved !== 'function' || !request.changeSaved())
    return error;
  if (error.kind !== 'internal' && error.kind !== 'unavailable') return error;
  const what = isStoreFault(error, StoreFaultReason.storageFull)
    ? 'Storage full: the'
    : isStoreFault(error)
      ? 'Database unavailable: the'
      : 'The';
  return new HushError(
    error.kind,
    `${what} change was saved, but its answer could not be completed and is withheld. Read it back when the server recovers; do not repeat the change.`,
    {
      reason: 'change_saved',
      cause: error.cause ?? error,
    },
  );
}
