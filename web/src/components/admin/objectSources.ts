import { api } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { phase } from '../../api/phase.ts';

export interface ObjectOption {
  value: string;
  label: string;
}

type Named = { id: number; display?: string; name?: string };
const named = (rows: readonly Named[]): ObjectOption[] =>
  rows.map((r) => ({ value: String(r.id), label: `${r.display ?? r.name ?? r.id} (id ${r.id})` }));

/**
 * Where the permission editor finds the objects of each type that can be granted on one object: each engine's own
 * list API, called as the signed-in user, so the picker offers what they can see (and a grant is refused anyway
 * beyond what they hold). A type without a source here gets a plain id field.
 */
export const OBJECT_SOURCES: Record<string, () => Promise<ObjectOption[]>> = {
  'phase.app': async () => (await phase.apps()).map((a) => ({ value: a.id, label: a.name })),
  'phase.secret': async () => {
    const apps = await phase.apps();
    const envs = await Promise.all(apps.map(async (a) => ({ app: a, envs: await phase.envs(a.id) })));
    return envs.flatMap(({ app, envs: list }) => list.map((e) => ({ value: e.id, label: `${app.name} / ${e.name}` })));
  },
  'lists.list': async () =>
    unwrap(await api.GET('/api/secrets/lists')).map((l) => ({ value: String(l.id), label: l.name })),
  'users.token': async () =>
    unwrap(await api.GET('/api/users/tokens/', { params: { query: { limit: '1000' } } })).results.map((t) => ({
      value: String(t.id),
      label: `${t.display} of ${t.user.username}${t.description ? ` (${t.description})` : ''}`,
    })),
  'netbox_secrets.secretrole': async () =>
    named(
      unwrap(await api.GET('/api/plugins/secrets/secret-roles/', { params: { query: { limit: '1000' } } }))
        .results as Named[],
    ),
  'dcim.device': async () =>
    named(unwrap(await api.GET('/api/dcim/devices/', { params: { query: { limit: '1000' } } })).results as Named[]),
  'virtualization.virtualmachine': async () =>
    named(
      unwrap(await api.GET('/api/virtualization/virtual-machines/', { params: { query: { limit: '1000' } } }))
        .results as Named[],
    ),
};
