import { api } from './client.ts';
import { apiError, unwrap } from './errors.ts';
import type { operations } from './schema';

type Json<Op extends keyof operations, Code extends number> =
  operations[Op]['responses'] extends Record<Code, { content: { 'application/json': infer T } }> ? T : never;

export type SecretList = Json<'lists_list', 200>[number];
export type ListValue = Json<'lists_values_list', 200>[number];
export type ListVersion = Json<'lists_values_history', 200>[number];

const list = (name: string) => ({ params: { path: { secretList: name } } });
const value = (name: string, key: string) => ({ params: { path: { secretList: name, secretListValue: key } } });

/** The outcome of a render preview: the text, or every reference that is missing or malformed. */
export type RenderResult =
  { ok: true; rendered: string } | { ok: false; message: string; missing: string[]; malformed: string[] };

/**
 * NetActuate's Secret Manager API (src/engines/lists/README.md): lists by name, their values by key, and
 * Hush's additions (a value's history, restore, the render preview), with the console's session cookie.
 */
export const lists = {
  all: async () => unwrap(await api.GET('/api/secrets/lists')),
  read: async (name: string) => unwrap(await api.GET('/api/secrets/lists/{secretList}', list(name))),
  create: async (name: string) => unwrap(await api.POST('/api/secrets/lists', { body: { name } })),
  rename: async (name: string, to: string) =>
    unwrap(await api.POST('/api/secrets/lists/{secretList}', { ...list(name), body: { name: to } })),
  remove: async (name: string) => unwrap(await api.DELETE('/api/secrets/lists/{secretList}', list(name))),

  values: async (name: string) => unwrap(await api.GET('/api/secrets/lists/{secretList}/values', list(name))),
  addValue: async (name: string, key: string, secret: string) =>
    unwrap(
      await api.POST('/api/secrets/lists/{secretList}/values', {
        ...list(name),
        body: { secret_key: key, secret_value: secret },
      }),
    ),
  updateValue: async (name: string, key: string, change: { secret_key?: string; secret_value?: string }) =>
    unwrap(
      await api.POST('/api/secrets/lists/{secretList}/values/{secretListValue}', { ...value(name, key), body: change }),
    ),
  removeValue: async (name: string, key: string) =>
    unwrap(await api.DELETE('/api/secrets/lists/{secretList}/values/{secretListValue}', value(name, key))),
  history: async (name: string, key: string) =>
    unwrap(await api.GET('/api/secrets/lists/{secretList}/values/{secretListValue}/history', value(name, key))),
  restore: async (name: string, key: string, version: number) =>
    unwrap(
      await api.POST('/api/secrets/lists/{secretList}/values/{secretListValue}/restore', {
        ...value(name, key),
        body: { version },
      }),
    ),

  /** `POST /api/secrets/render`: a 422 (missing) or 400 (malformed) is an answer here, not an error. */
  async render(template: string): Promise<RenderResult> {
    const result = await api.POST('/api/secrets/render', { body: { template } });
    if (result.response.ok && result.data && typeof result.data === 'object')
      return { ok: true, rendered: (result.data as { rendered: string }).rendered };
    const e = (result.error as { error?: { message?: string; missing?: string[]; malformed?: string[] } } | undefined)
      ?.error;
    if (result.response.status === 422 || (result.response.status === 400 && e?.malformed)) {
      return { ok: false, message: e?.message ?? '', missing: e?.missing ?? [], malformed: e?.malformed ?? [] };
    }
    throw apiError(result.response, result.error);
  },
};
