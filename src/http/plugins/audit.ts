import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditActor, AuditEvent } from '../../core/audit/log.js';
import { HushError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import { REPLAYED_HEADER } from './idempotency.js';
import { undeclaredAuditEvent } from '../../core/engine-context.js';

// Keys the change ledger by request object, never by the id a client may choose (AuditActor.changeKey).
const changeKeys = new WeakMap<FastifyRequest, string>();
let nextChangeKey = 0;
export function changeKeyOf(request: FastifyRequest): string {
  let key = changeKeys.get(request);
  if (key === undefined) changeKeys.set(request, (key = String((nextChangeKey += 1))));
  return key;
}

export function auditActorOf(request: FastifyRequest): AuditActor {
  const caller = request.caller;
  return {
    userId: caller?.user.id ?? null,
    username: caller?.user.username ?? null,
    tokenId: caller?.tokenId ?? null,
    clientIp: request.ip ?? null,
    requestId: String(request.id),
    changeKey: changeKeyOf(request),
  };
}

/**
 * Fails closed (docs/audit.md §4): a route that declares `returnsPlaintext` gets its reads written to the audit log
 * before the reply leaves. If the handler recorded nothing, or the write fails, the client gets a 500 instead of
 * the plaintext.
 */
export function installPlaintextAudit(
  scope: FastifyInstance,
  core: Core,
  engine: { name: string; auditEvents: Readonly<Record<string, string>> },
): void {
  const declared = new Set(Object.values(engine.auditEvents));
  const recordReads = async (request: FastifyRequest, payload: unknown) => {
    if (request.auditReads === undefined) {
      throw new HushError('internal', 'Internal server error.', {
        reason: 'plaintext_not_audited',
        cause: new Error(`${request.method} ${request.url} returned plaintext without recording the read`),
      });
    }
    // Reads always name their engine (they reach the log through this hook, not the engine's audit port).
    const problem = request.auditReads
      .map((e) =>
        e.engine === engine.name
          ? undeclaredAuditEvent(engine, declared, e)
          : `Engine ${engine.name} recorded a read as "${e.engine}".`,
      )
      .find((p) => p !== undefined);
    if (problem) {
      throw new HushError('internal', 'Internal server error.', {
        reason: 'read_not_declared',
        cause: new Error(problem),
      });
    }
    if (request.auditReads.length) await core.audit.append(auditActorOf(request), request.auditReads);
    return payload;
  };
  // Takes `done`, so the answers of the routes that reveal nothing pass without a promise (issue 18); the others
  // wait for their entries' commit as before.
  scope.addHook('onSend', (request, reply, payload, done) => {
    if (!request.routeOptions.config.hush?.returnsPlaintext || reply.statusCode >= 300) done(null, payload);
    else recordReads(request, payload).then((p) => done(null, p), done);
  });
}

/** Records what a plaintext-returning handler revealed (an empty list when it revealed nothing). */
export function recordPlaintextReads(request: FastifyRequest, events: readonly AuditEvent[]): void {
  request.auditReads = [...(request.auditReads ?? []), ...events];
}

/**
 * Writes are audited by declaration, as reads are (docs/audit.md §3): a 2xx answer to a route declaring
 * `changesData` fails unless the request appended a change entry (or said it changed nothing). A forgotten
 * `appendWithin` is then a failing request in the first test that makes the change, not a silent hole in the log.
 */
export function installChangeAudit(scope: FastifyInstance, core: Core): void {
  // Takes `done` rather than being async: it never waits, and runs on every request (issue 18). A throw is caught by
  // Fastify's hook runner and rendered as a rejection would be.
  scope.addHook('onSend', (request, reply, payload, done) => {
    // Taken on every request, so the ledger forgets each one as it is answered.
    const appended = core.audit.changesOf(changeKeyOf(request));
    if (
      !request.routeOptions.config.hush?.changesData ||
      reply.statusCode < 200 ||
      reply.statusCode >= 300 ||
      appended > 0 ||
      request.unchanged ||
      reply.getHeader(REPLAYED_HEADER) !== undefined
    ) {
      done(null, payload);
      return;
    }
    throw new HushError('internal', 'Internal server error.', {
      reason: 'change_not_audited',
      cause: new Error(
        `${request.method} ${request.routeOptions.url} answered ${reply.statusCode} without appending a change to the audit log`,
      ),
    });
  });
}

/** Tells the change audit that this request to a `changesData` route changed nothing, so nothing was appended. */
export function noChangeMade(request: FastifyRequest): void {
  request.unchanged = true;
}
