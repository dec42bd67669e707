import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultStatus, HushError } from '../core/errors.js';
import { builtConsoleFiles, type BuiltFile } from './console-files.js';
import { documentRoutes } from './docs.js';
import { installErrorRenderer } from './errors.js';
import { requireDeclaredAccess } from './plugins/caller.js';
import { DetailError, Type } from './schemas.js';

/**
 * The web console (web/, built into web/dist/) served at `/ui/` by the server itself, offline: its files and nothing
 * else, under a Content-Security-Policy that allows only this origin's scripts and styles and no framing. A browser
 * asking `/` for a page is sent to `/ui/`; API clients at `/` get the answer they always got. Without a build the
 * console answers 404 with the command that builds it (a page for browsers, `{"detail"}` for others, so that the
 * path keeps the system routes' error envelope); the APIs are unaffected.
 */

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONSOLE_HEADERS = { 'content-security-policy': CONSOLE_CSP, 'x-frame-options': 'DENY' } as const;

/** Where the build puts the console: web/dist beside package.json, two levels above src/http or three above dist/src/http. */
export function defaultConsoleDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../web/dist'), path.resolve(here, '../../web/dist')];
  return candidates.find((c) => fs.existsSync(path.dirname(c))) ?? candidates[0]!;
}

/** Whether a request's Accept header prefers a page to JSON: what browsers send when the address bar is typed in. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (type) q.set(type.trim(), Number.isFinite(value) ? value : 0);
  }
  const html = q.get('text/html') ?? 0;
  const json = q.get('application/json') ?? q.get('application/*') ?? q.get('*/*') ?? 0;
  return html > 0 && html >= json;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
/** A built asset's name: Vite's `name-hash.ext`, no path separators, no leading dot. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

const NOT_BUILT =
  'The console has not been built: run npm run build in the Hush directory (it builds web/ too), then reload.';
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hush console not built</title></head>
<body><main><h1>The Hush console has not been built</h1>
<p>Build it in the Hush directory with</p>
<pre>npm run build</pre>
<p>(it builds the server and <code>web/</code>; see the README's "Console" section), then reload this page.
The HTTP APIs and the <code>hush</code> command line work without the console.</p></main></body></html>
`;

const Text = (description: string, media: string) => ({ description, content: { [media]: { schema: Type.String() } } });

export async function installConsole(
  app: FastifyInstance,
  options: { dir?: string; recheckMs?: number } = {},
): Promise<void> {
  const dir = path.resolve(options.dir ?? defaultConsoleDir());
  const assets = path.join(dir, 'assets');
  const files = builtConsoleFiles(dir, { recheckMs: options.recheckMs });

  // Before the engines' scopes are registered, so that it runs ahead of the Phase liveness route at `/`.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url !== '/' && !request.url.startsWith('/?')) return;
    reply.header('vary', 'Accept');
    if ((request.method === 'GET' || request.method === 'HEAD') && prefersHtml(request.headers.accept)) {
      // Relative, so that it also holds behind a proxy mounting Hush under a path.
      reply.redirect('ui/', 302);
      return reply;
    }
    return undefined;
  });

  function send(request: FastifyRequest, reply: FastifyReply, entry: BuiltFile, type: string) {
    reply.headers(CONSOLE_HEADERS).type(type).header('vary', 'Accept-Encoding');
    if (entry.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(entry.gzip);
    }
    return reply.send(entry.body);
  }

  await app.register(async (scope) => {
    requireDeclaredAccess(scope, 'console', { declares: () => false });
    // The system routes' envelope, installed here: the server's root renderer is set after this scope is made.
    installErrorRenderer(scope, (error) => ({ status: defaultStatus[error.kind], body: { detail: error.message } }));
    documentRoutes(scope, DetailError);
    const rules = { hush: { access: 'public' as const } };

    // The trailing-slash twin, as the API's own.
    scope.get('/ui', { config: rules, schema: { hide: true } }, async (_request, reply) =>
      reply.headers(CONSOLE_HEADERS).redirect('ui/', 302),
    );

    scope.get(
      '/ui/',
      {
        config: rules,
        schema: {
          operationId: 'console_page',
          tags: ['console'],
          summary: 'The web console (HTML); 404 with the build command when it has not been built',
          response: {
            200: Text('The console page', 'text/html'),
            404: {
              description: 'The console is not built: how to build it',
              content: { 'text/html': { schema: Type.String() }, 'application/json': { schema: DetailError } },
            },
          },
        },
      },
      async (request, reply) => {
        const page = files.get(path.join(dir, 'index.html'));
        // Each build names its scripts anew: the page itself is never cached, so a new build is picked up at once.
        if (page) return send(request, reply, page, 'text/html; charset=utf-8');
        request.log.warn({ dir }, 'console requested but not built (npm run build)');
        reply.status(404).headers(CONSOLE_HEADERS).header('vary', 'Accept');
        if (prefersHtml(request.headers.accept)) return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
        return reply.send({ detail: NOT_BUILT });
      },
    );

    scope.get(
      '/ui/assets/:file',
      {
        config: rules,
        schema: {
          operationId: 'console_asset',
          tags: ['console'],
          summary: "One of the console's built scripts, stylesheets or images",
          params: Type.Object({ file: Type.String({ maxLength: 256 }) }),
          response: { 200: Text('The file, by its extension', 'application/octet-stream') },
        },
      },
      async (request, reply) => {
        const name = (request.params as { file: string }).file;
        const type = TYPES[path.extname(name)];
        const file = path.join(assets, name);
        // A plain name (no separator, even decoded from %2F; no leading dot), of a known type, directly in assets/.
        const entry = ASSET_NAME.test(name) && path.dirname(file) === assets ? files.get(file) : undefined;
        if (!entry || !type) throw new HushError('not_found', files.built() ? 'Not found.' : NOT_BUILT);
        // Built names carry a hash of their content: they may be kept for ever.
        reply.header('cache-control', 'public, max-age=31536000, immutable');
        return send(request, reply, entry, type);
      },
    );
  });
}
