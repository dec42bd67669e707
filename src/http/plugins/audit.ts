import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditActor, AuditEvent } from '../../core/audit/log.js';
import { HushError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';

export function auditActorOf(request: FastifyRequest): AuditActor {
  const caller = request.caller;
  return {
    userId: caller?.user.id ?? null,
    username: caller?.user.username ?? null,
    tokenId: caller?.tokenId ?? null,
    clientIp: request.ip ?? null,
    requestId: String(request.id),
  };
}

/**
 * Fails closed (docs/audit.md §4): a route that declares `returnsPlaintext` gets its reads written to the audit log
 * before the reply leaves. If the handler recorded nothing, or the write fails, the client gets a 500 instead of
 * the plaintext.
 */
export function installPlaintextAudit(scope: FastifyInstance, core: Core): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    if (!request.routeOptions.config.hush?.returnsPlaintext || reply.statusCode >= 300) return payload;
    if (request.auditReads === undefined) {
      throw new HushError('internal', 'Internal server error.', { reason: 'plaintext_not_audited', cause: new Error(`${request.method} ${request.url} returned plaintext without recording the read`) });
    }
    if (request.auditReads.length) await core.audit.append(auditActorOf(request), request.auditReads);
    return payload;
  });
}

/** Records what a plaintext-returning handler revealed (an empty list when it revealed nothing). */
export function recordPlaintextReads(request: FastifyRequest, events: readonly AuditEvent[]): void {
  request.auditReads = [...(request.auditReads ?? []), ...events];
}
