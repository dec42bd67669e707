import type { FastifyInstance } from 'fastify';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The core's `application/json` parser: Fastify's own (prototype-poisoning checks included), except that an empty
 * body is no body. Passbolt's client sends `Content-Type: application/json` on every DELETE; Fastify would refuse
 * them all. A write to a route whose schema takes a body then reads a missing one as `{}`, as DRF reads an empty
 * request, so the schema names each required field instead of saying "body must be object".
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    // Fastify's own JSON parser answers through `done`; its return value carries nothing.
    void parse(request, text, done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && WRITE_METHODS.has(request.method) && request.routeOptions.schema?.body)
      request.body = {};
  });
}
