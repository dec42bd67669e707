import type { RunningHush } from '../../helpers/server.js';

/** Requests the way NetActuate's clients make them: `Authorization: Bearer <key>`. */
export function listsAs(hush: RunningHush, token: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    hush.request(method, path, {
      token: null,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { body }),
    });
}

export type ListsCall = ReturnType<typeof listsAs>;

/** A list with values; returns the list's JSON. */
export async function listWith(call: ListsCall, name: string, values: Record<string, string> = {}) {
  const list = await call('POST', '/api/secrets/lists', { name });
  if (list.status !== 201) throw new Error(`list create failed: ${list.status} ${JSON.stringify(list.body)}`);
  for (const [secret_key, secret_value] of Object.entries(values)) {
    const v = await call('POST', `/api/secrets/lists/${encodeURIComponent(name)}/values`, { secret_key, secret_value });
    if (v.status !== 201) throw new Error(`value create failed: ${v.status} ${JSON.stringify(v.body)}`);
  }
  return list.body as { id: number; name: string };
}

/** A user with grants on `lists.list` (one list by id, or all) and a token; returns the token. */
export async function userWithListGrants(
  hush: RunningHush,
  username: string,
  grants: { actions: string[]; listId?: number }[],
  options: { writeEnabled?: boolean } = {},
) {
  const user = await hush.request('POST', '/api/users/users/', { body: { username } });
  for (const [i, g] of grants.entries()) {
    const p = await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: `${username}-${i}`,
        object_types: ['lists.list'],
        actions: g.actions,
        users: [user.body.id],
        ...(g.listId ? { constraints: { id: g.listId } } : {}),
      },
    });
    if (p.status !== 201) throw new Error(`grant failed: ${p.status} ${JSON.stringify(p.body)}`);
  }
  const token = await hush.request('POST', '/api/users/tokens/', {
    body: { user: user.body.id, write_enabled: options.writeEnabled ?? true },
  });
  return token.body.key as string;
}
