import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HushError, invalid } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import { requestDigest } from '../../core/idempotency/store.js';
import type { RouteRules } from '../../core/ports.js';

const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that was stored by an earlier request with the same key, not made now. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** Visible ASCII; the IETF draft sends the key as a quoted string, most clients send it bare: both are accepted. */
const KEY = /^[\x21-\x7e]{1,255}$/;

function parseKey(raw: string | string[]): string {
  const value = Array.isArray(raw) ? undefined : raw.trim().replace(/^"(.*)"$/, '$1');
  if (value === undefined || !KEY.test(value) || value.includes('"')) {
    throw invalid('Idempotency-Key', 'must be one value of 1 to 255 visible ASCII characters, e.g. a UUID');
  }
  return value;
}

/**
 * `Idempotency-Key` on the routes that declare `idempotent` (and only there: elsewhere the header is ignored, as the
 * draft standard asks). A key this caller already used for the same request within a day replays the stored answer;
 * used for another request, it is a 409. A new key travels to the handler as `request.idempotency`.
 */
export function installIdempotency(scope: FastifyInstance, core: Core): void {
  scope.addHook('onRoute', (route) => {
    const rules = (route.config as { hush?: RouteRules } | undefined)?.hush;
    if (rules?.idempotent && rules.returnsPlaintext) {
      throw new Error(
        `Route ${route.method} ${route.url} declares idempotent and returnsPlaintext: a stored answer must hold no plaintext.`,
      );
    }
  });
  /** Claims the key, or answers with the stored reply (then true: the request is answered). */
  const claimOrReplay = async (request: FastifyRequest, reply: FastifyReply, raw: string | string[]) => {
    const claim = {
      userId: request.caller!.user.id,
      key: parseKey(raw),
      digest: requestDigest(request.method, request.url, request.body),
    };
    const stored = await core.idempotency.lookup(claim);
    if (stored === 'mismatch') {
      throw new HushError(
        'conflict',
        'This Idempotency-Key was already used for a different request; use a new key for a new request.',
        { reason: 'idempotency_key_reused' },
      );
    }
    if (stored) {
      reply.code(stored.status).header(REPLAYED_HEADER, 'true').send(stored.body);
      return true;
    }
    await core.idempotency.purgeExpired();
    request.idempotency = claim;
    return false;
  };
  // Takes `done`, so the requests without a key (nearly all) pass without a promise (issue 18). A replayed answer
  // is sent from the hook, which then does not call `done`, as Fastify asks of a hook that answers.
  scope.addHook('preHandler', (request, reply, done) => {
    request.idempotency = undefined;
    const raw = request.headers[IDEMPOTENCY_HEADER];
    if (!request.routeOptions.config.hush?.idempotent || raw === undefined || !request.caller) done();
    else
      claimOrReplay(request, reply, raw).then(
        (answered) => answered || done(),
        (error: Error) => done(error),
      );
  });
}
