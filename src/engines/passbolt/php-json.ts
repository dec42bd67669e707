import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Passbolt's answers are PHP's `json_encode` output, which writes every `/` in a string as `\/` (the seed's
 * `"url": "\/secrets\/resource\/…"`). JSON.stringify and Fastify's serializers never escape `/`, and a `/` can only
 * occur inside a string, so escaping each one in their output gives exactly PHP's spelling of the same value.
 */
export const phpSlashes = (json: string): string => json.replace(/\//g, '\\/');

/** Replies whose body is already spelled the PHP way (rendered errors), so the hook below leaves them alone. */
const spelled = new WeakSet<FastifyRequest>();

/** An error body, encoded here because unrouted paths' errors are sent outside the engine's hooks. */
export function phpJsonBody(request: FastifyRequest, value: unknown): string {
  spelled.add(request);
  return phpSlashes(JSON.stringify(value));
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Spells every JSON answer of the engine's routes the PHP way. */
export function installPhpJson(app: FastifyInstance): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (typeof payload !== 'string' || spelled.has(request)) return payload;
    const type = reply.getHeader('content-type');
    return typeof type === 'string' && type.startsWith('application/json') ? phpSlashes(payload) : payload;
  });
}
