import assert from 'node:assert/strict';
import type { RunningHush } from './server.js';

/** One grant: actions on object types, optionally narrowed to one object. */
export interface Grant {
  types: string[];
  actions: string[];
  objectId?: string | number;
}

/** A superuser's admin API: a started Hush, or a `(method, path, body)` caller such as the CLI fixture's `api`. */
export type AdminApi =
  RunningHush | ((method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>);

/**
 * Makes a user holding `grants` (one permission each) and an API token of theirs, through the admin API as a
 * client would; every step must succeed. `user` adds fields of the new user (password, kind), `token` of its token
 * (write_enabled, description, expires).
 */
export async function userWithGrants(
  hush: AdminApi,
  username: string,
  grants: readonly Grant[] = [],
  extra: { user?: Record<string, unknown>; token?: Record<string, unknown> } = {},
): Promise<{ id: number; token: string }> {
  const post = async (path: string, body: unknown) => {
    const res =
      typeof hush === 'function' ? await hush('POST', path, body) : await hush.request('POST', path, { body });
    assert.equal(res.status, 201, `POST ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const user = await post('/api/users/users/', { username, ...extra.user });
  for (const [i, g] of grants.entries()) {
    await post('/api/users/permissions/', {
      name: `${username}-${i}`,
      object_types: g.types,
      actions: g.actions,
      users: [user.id],
      ...(g.objectId === undefined ? {} : { constraints: { id: g.objectId } }),
    });
  }
  const token = await post('/api/users/tokens/', { user: user.id, ...extra.token });
  return { id: user.id as number, token: token.key as string };
}
