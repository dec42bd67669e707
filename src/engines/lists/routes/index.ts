import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../core/ports.js';
import { invalidJson } from '../../../http/route-kit.js';
import type { ListsServices } from '../service/index.js';
import type { ListsTables } from '../tables.js';
import { listRoutes } from './lists.js';
import { RENDER_PATH, renderRoutes } from './render.js';
import { valueRoutes } from './values.js';

/** Exact prefixes: the NetBox engine owns /api/secrets/ and must keep everything else under it. */
export const LISTS_PREFIXES = ['/api/secrets/lists', '/api/secrets/all-values', '/api/secrets/render'] as const;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v));
  } catch (e) {
    throw invalidJson(e);
  }
}

type Done = (err: Error | null, body?: unknown) => void;

export function listsRoutes(ctx: EngineContext<ListsTables>, services: ListsServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The seed creates a list with "no payload": an empty body is no body, whatever its Content-Type says.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      (_r: FastifyRequest, body: string | Buffer, done: Done) => {
        const text = String(body);
        if (!text.trim()) return done(null, undefined);
        try {
          done(null, parseJson(text));
        } catch (e) {
          done(e as Error);
        }
      },
    );
    app.addContentTypeParser(
      'text/plain',
      { parseAs: 'string' },
      (_r: FastifyRequest, body: string | Buffer, done: Done) => done(null, String(body)),
    );
    // `curl -d '{…}'` sends application/x-www-form-urlencoded: JSON objects are read as JSON, anything else as text.
    app.addContentTypeParser('*', { parseAs: 'string' }, (_r: FastifyRequest, body: string | Buffer, done: Done) => {
      const text = String(body);
      if (!text.trim()) return done(null, undefined);
      try {
        const parsed = parseJson(text);
        done(null, parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : text);
      } catch {
        done(null, text);
      }
    });
    // JSON routes read a missing body as `{}` (their schemas then name what is required); render says so itself.
    app.addHook('preValidation', async (request) => {
      if (
        (request.body === undefined || request.body === null) &&
        request.method === 'POST' &&
        request.routeOptions.url !== RENDER_PATH
      )
        request.body = {};
    });
    await app.register(listRoutes(services.lists));
    await app.register(valueRoutes(services.values));
    await app.register(renderRoutes(ctx));
  };
}
