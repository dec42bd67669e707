import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HushError, type EngineContext } from '../../../core/ports.js';
import { callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ErrorOut, MAX_TEMPLATE_CHARS, RenderIn, RenderOut } from '../schema.js';

// Room for the template as UTF-8 inside JSON (escapes, multi-byte characters) above the server-wide default.
const RENDER_BODY_LIMIT = 4 * 1024 * 1024;
// 100 references to 64 KiB values in a 1 MB template stay far below this.
const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

export const RENDER_PATH = '/api/secrets/render';

const Template = Type.String({ maxLength: MAX_TEMPLATE_CHARS, description: 'The template itself' });

/**
 * POST /api/secrets/render: `{"template"}` → `{"rendered"}`, or a text/plain body → text/plain. All or nothing: one
 * unknown or unreadable reference fails the render (422 naming every one). A read, so read-only tokens may call it.
 */
export function renderRoutes(ctx: Pick<EngineContext, 'config' | 'references'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      RENDER_PATH,
      {
        bodyLimit: Math.max(ctx.config.bodyLimitBytes, RENDER_BODY_LIMIT),
        config: {
          hush: { access: 'authenticated', returnsPlaintext: true, allowReadOnlyToken: true, changesData: false },
        },
        schema: {
          operationId: 'lists_render',
          tags: ['lists'],
          summary: 'Replace every ${{secret.KEY}} in a template (JSON or text/plain)',
          body: {
            content: {
              'application/json': { schema: RenderIn },
              'text/plain': { schema: Template },
            },
          },
          response: {
            200: { content: { 'application/json': { schema: RenderOut }, 'text/plain': { schema: Type.String() } } },
            '4xx': ErrorOut,
          },
        },
      },
      async (request, reply) => {
        const body = request.body as unknown;
        const asText = typeof body === 'string';
        const template = asText ? body : (body as { template?: unknown } | undefined)?.template;
        if (typeof template !== 'string') {
          throw new HushError('invalid', 'Send {"template": "…"} as JSON, or the template itself as text/plain.', {
            problems: [{ field: 'template', message: 'This field is required.' }],
          });
        }
        if (template.length > MAX_TEMPLATE_CHARS) {
          throw new HushError('too_large', `The template exceeds ${MAX_TEMPLATE_CHARS} characters.`, {
            problems: [{ field: 'template', message: 'is too large' }],
          });
        }
        const { rendered, reads } = await ctx.references.render(template, callerOf(request), {
          maxOutputChars: MAX_OUTPUT_CHARS,
        });
        recordPlaintextReads(request, reads);
        if (asText) return reply.type('text/plain; charset=utf-8').send(rendered);
        return { rendered };
      },
    );
  };
}
