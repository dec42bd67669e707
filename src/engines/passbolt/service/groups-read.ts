import type { Caller } from '../../../core/ports.js';
import type { GroupRow } from '../repo.js';
import { briefOf, groupJson, groupUserJson } from '../serializers.js';
import { isUuid, type PassboltContext } from './context.js';
import type { UserService } from './users.js';
import { truthy } from './validate.js';

/** Reads a repeatable filter as Passbolt clients send it (`filter[x][]=a&filter[x][]=b`, or one `filter[x]=a`). */
function idsFilter(query: Record<string, unknown>, name: string): string[] | undefined {
  const raw = query[`filter[${name}][]`] ?? query[`filter[${name}]`];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).filter(isUuid).map((s) => s.toLowerCase());
}

/** GET /groups.json and /groups/{id}.json: every user sees every group, with the members and users asked for. */
export function createGroupReader(pc: PassboltContext, users: UserService) {
  const { repo } = pc;

  async function decorate(rows: GroupRow[], query: Record<string, unknown>, caller: Caller) {
    const c = (name: string) => truthy(query[`contain[${name}]`]);
    const memberUsers = ['groups_users.user', 'groups_users.user.profile', 'group_user.user', 'group_user.user.profile']
      .concat(['groups_users.user.gpgkey', 'group_user.user.gpgkey'])
      .some(c);
    const withMembers = memberUsers || c('groups_users') || c('group_user');
    const withMine = c('my_group_user');
    const withModifier = c('modifier') || c('modifier.profile');
    const withCreator = c('creator') || c('creator.profile');
    const members = withMembers || withMine ? await repo.membersOf(rows.map((g) => g.id)) : [];
    const account = withMine ? await pc.accountOf(caller) : undefined;
    const wanted = new Set<string>();
    if (memberUsers) for (const m of members) wanted.add(m.user_id);
    for (const g of rows) {
      if (withModifier) wanted.add(g.modified_by);
      if (withCreator) wanted.add(g.created_by);
    }
    const people = new Map((await users.ofAccounts([...wanted])).map((u) => [u.id, u]));
    const brief = (id: string) => {
      const u = people.get(id);
      return u ? briefOf(u) : null;
    };
    return rows.map((g) => {
      const own = members.filter((m) => m.group_id === g.id);
      return {
        ...groupJson(g),
        ...(withMembers
          ? {
              groups_users: own.map((m) => ({
                ...groupUserJson(m),
                ...(memberUsers ? { user: people.get(m.user_id) ?? null } : {}),
              })),
            }
          : {}),
        ...(withMine
          ? { my_group_user: ((m) => (m ? groupUserJson(m) : null))(own.find((m) => m.user_id === account?.id)) }
          : {}),
        ...(withModifier ? { modifier: brief(g.modified_by) } : {}),
        ...(withCreator ? { creator: brief(g.created_by) } : {}),
      };
    });
  }

  return {
    decorate,

    async list(caller: Caller, query: Record<string, unknown>) {
      let rows = await repo.listGroups();
      const hasUsers = idsFilter(query, 'has-users');
      const hasManagers = idsFilter(query, 'has-managers');
      if (hasUsers || hasManagers) {
        const members = await repo.membersOf(rows.map((g) => g.id));
        const holds = (g: GroupRow, ids: string[], managers: boolean) =>
          ids.every((id) =>
            members.some((m) => m.group_id === g.id && m.user_id === id && (!managers || m.is_admin === 1)),
          );
        rows = rows.filter(
          (g) => (!hasUsers || holds(g, hasUsers, false)) && (!hasManagers || holds(g, hasManagers, true)),
        );
      }
      if (query.order === 'Group.name DESC' || (Array.isArray(query.order) && query.order[0] === 'Group.name DESC'))
        rows.reverse();
      return decorate(rows, query, caller);
    },

    async view(caller: Caller, group: GroupRow, query: Record<string, unknown>) {
      return (await decorate([group], query, caller))[0]!;
    },
  };
}

/** A group as the share dialog's search lists it (ShareSearchController: groups with their member count). */
export async function groupArosMatching(pc: PassboltContext, needle: string) {
  const groups = (await pc.repo.listGroups()).filter((g) => g.name.toLowerCase().includes(needle));
  const members = await pc.repo.membersOf(groups.map((g) => g.id));
  return groups.map((g) => ({ ...groupJson(g), user_count: members.filter((m) => m.group_id === g.id).length }));
}
