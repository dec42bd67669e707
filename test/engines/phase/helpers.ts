import type { RunningHush } from '../../helpers/server.js';

/** Requests to a Hush server the way Phase clients make them: `Authorization: Bearer [Type] <token>`. */
export function phaseAs(hush: RunningHush, token: string, type: 'User' | 'ServiceAccount' | 'Service' | '' = 'User') {
  const authorization = type ? `Bearer ${type} ${token}` : `Bearer ${token}`;
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    hush.request(method, path, {
      token: null,
      headers: { authorization, ...headers },
      ...(body === undefined ? {} : { body }),
    });
}

export type PhaseCall = ReturnType<typeof phaseAs>;

/** An SSE app with the three default environments; returns ids by lower-cased env name. */
export async function createApp(call: PhaseCall, name = 'demo', extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/apps/', { name, ...extra });
  if (res.status !== 201) throw new Error(`app create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const envs = Object.fromEntries(
    (res.body.environments as { name: string; id: string }[]).map((e) => [e.name.toLowerCase(), e.id]),
  );
  return { id: res.body.id as string, envs };
}

/** A user (person or service account) with a token and the given grants; returns the token. */
export async function userWithGrants(
  hush: RunningHush,
  username: string,
  kind: 'person' | 'service',
  grants: { objectType: string; actions: string[]; objectId?: string }[],
) {
  const user = await hush.request('POST', '/api/users/users/', { body: { username, kind } });
  for (const [i, g] of grants.entries()) {
    await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: `${username}-${i}`,
        object_types: [g.objectType],
        actions: g.actions,
        users: [user.body.id],
        ...(g.objectId ? { constraints: { id: g.objectId } } : {}),
      },
    });
  }
  const token = await hush.request('POST', '/api/users/tokens/', { body: { user: user.body.id } });
  return token.body.key as string;
}
