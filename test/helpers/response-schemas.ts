import diagnostics from 'node:diagnostics_channel';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Response schemas are also fast-json-stringify's field whitelist: a field a handler returns but its schema lacks is
 * silently dropped, a null where the schema says string becomes "". Every test server checks each JSON answer it
 * serializes against what the handler returned, so any test that reaches a route also tests the route's schema.
 */
const returned = new WeakMap<FastifyRequest, string>();

function differences(sent: unknown, meant: unknown, path = ''): string[] {
  if (isDeepStrictEqual(sent, meant)) return [];
  if (sent && meant && typeof sent === 'object' && typeof meant === 'object') {
    const keys = new Set([...Object.keys(sent), ...Object.keys(meant)]);
    return [...keys].flatMap((k) =>
      differences((sent as Record<string, unknown>)[k], (meant as Record<string, unknown>)[k], `${path}/${k}`),
    );
  }
  return [`${path || '/'}: sent ${JSON.stringify(sent)}, returned ${JSON.stringify(meant)}`];
}

function guard(app: FastifyInstance) {
  app.addHook('preSerialization', async (request, _reply, payload) => {
    returned.set(request, JSON.stringify(payload));
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const meant = returned.get(request);
    returned.delete(request);
    if (meant === undefined || typeof payload !== 'string') return payload;
    const problems = differences(JSON.parse(payload), JSON.parse(meant));
    if (!problems.length) return payload;
    const route = `${request.method} ${request.routeOptions.url} ${reply.statusCode}`;
    process.stderr.write(`response schema of ${route} changes the answer:\n  ${problems.join('\n  ')}\n`);
    throw new Error(`response schema of ${route} changes the answer`);
  });
}

let installed = false;

/** Installs the check in every Fastify instance this process creates from now on. */
export function checkResponseSchemas(): void {
  if (installed) return;
  installed = true;
  diagnostics
    .channel('fastify.initialization')
    .subscribe((message) => guard((message as { fastify: FastifyInstance }).fastify));
}
