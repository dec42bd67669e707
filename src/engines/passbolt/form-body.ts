import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HushError } from '../../core/ports.js';

/** PHP's bracket names (`data[gpg_auth][keyid]`) as nested objects, as `$request->getData()` reads them. */
function nestFormFields(form: FormData): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') continue; // files: no Passbolt route of Hush takes one
    const path = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    const keys = path ? [path[1]!, ...[...path[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)] : [name];
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (next && typeof next === 'object' ? next : (node[key] = Object.create(null))) as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  }
  return root;
}

/**
 * The extension sends its GPGAuth stages as `multipart/form-data` (a FormData body) and the Passbolt API documents
 * them with `curl -d` (`application/x-www-form-urlencoded`). Both are read by the platform's own parser (the Fetch
 * API's `Response.formData()`), within the server's body limit, for the engine's routes only.
 */
export function installFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    ['multipart/form-data', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer' },
    async (request: FastifyRequest, body: Buffer) => {
      const type = request.headers['content-type'] ?? '';
      try {
        return nestFormFields(await new Response(body, { headers: { 'content-type': type } }).formData());
      } catch (cause) {
        throw new HushError('invalid', 'The form data could not be read.', { reason: 'invalid_form', cause });
      }
    },
  );
}
