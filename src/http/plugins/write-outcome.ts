import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HushError } from '../../core/errors.js';
import { isStoreFault, StoreFaultReason } from '../../core/store/faults.js';
import { trackWrites, type WriteOutcome } from '../../core/store/write-outcome.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether this request has committed a change (core/store/write-outcome.ts); set from the first handler hook on. */
    writeOutcome: WriteOutcome | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Tracks the commits each request makes. Installed as a pre-handler hook because the body is read before it: the
 * socket's callbacks that deliver the body would not carry the request's context along.
 */
export function installWriteOutcome(app: FastifyInstance): void {
  app.decorateRequest('writeOutcome', undefined);
  app.addHook('preHandler', (request, _reply, done) => {
    request.writeOutcome = { saved: false };
    trackWrites(request.writeOutcome, done);
  });
}

/**
 * A request that failed on the server after its change was committed (say, the audit entry for the secret values in
 * its answer could not be written on a full disk) is told so: the change is saved, only the answer is lost, and
 * repeating the change would apply it twice.
 */
export function afterSavedChange(error: HushError, request: FastifyRequest): HushError {
  if (!request.writeOutcome?.saved || SAFE_METHODS.has(request.method)) return error;
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
