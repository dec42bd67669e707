import type { Db } from '../../../core/ports.js';
import type { RuleFailure } from '../errors.js';
import { PassboltAudit } from '../events.js';
import type { GroupUserRow } from '../repo.js';
import type { PassboltTables } from '../tables.js';
import { audit, isUuid, type PassboltContext } from './context.js';
import { bodyObject } from './validate.js';

/** Passbolt's answers (passbolt_api src/Controller/Groups/*, src/Service/Groups/*). */
export const GROUP_MSG = {
  idInvalid: 'The group id is not valid.',
  notFound: 'The group does not exist.',
  forbidden: 'You are not authorized to access that location.',
  validation: 'Could not validate group data.',
  deleteIdInvalid: 'The group identifier should be a valid UUID.',
  deleteNotFound: 'The group does not exist or has been already deleted.',
  soleOwner:
    'The group cannot be deleted. You need to transfer the ownership of the resources this group is the only owner of.',
  manager: 'The group should have at least one group manager.',
  memberMissing: 'Cannot find the group user.',
  userMissing: 'The user does not exist or has no OpenPGP key.',
  secrets: 'The secrets of the resources shared with the group are required for every new member.',
} as const;

const NAME_MAX = 255;

type Change =
  | { kind: 'add'; index: number; userId: string; isAdmin: boolean }
  | { kind: 'update'; index: number; member: GroupUserRow; isAdmin: boolean }
  | { kind: 'delete'; index: number; member: GroupUserRow };

/** The rules of a group's members: who may be one, what a change is, which copies a change adds and removes. */
export function createGroupMembers(pc: PassboltContext) {
  const { repo } = pc;

  /** Members as `groups_users` entries give them, each an active user with a key; at least one manager. */
  async function newMembers(raw: unknown, failures: RuleFailure[]) {
    const list = Array.isArray(raw) ? raw : [];
    if (!Array.isArray(raw) || !list.length || list.length > 10000)
      failures.push({ path: 'groups_users', rule: '_required', message: 'The group users are required.' });
    const seen = new Set<string>();
    const out: { userId: string; isAdmin: boolean; index: number }[] = [];
    for (const [i, item] of list.entries()) {
      const m = bodyObject(item);
      if (!isUuid(m.user_id)) {
        failures.push({
          path: `groups_users.${i}.user_id`,
          rule: 'uuid',
          message: 'The user identifier should be a valid UUID.',
        });
        continue;
      }
      const userId = m.user_id.toLowerCase();
      if (seen.has(userId)) {
        failures.push({
          path: `groups_users.${i}.user_id`,
          rule: 'group_user_unique',
          message: 'The user is already a member of this group.',
        });
        continue;
      }
      seen.add(userId);
      out.push({ userId, isAdmin: m.is_admin === true || m.is_admin === 1 || m.is_admin === '1', index: i });
    }
    const active = new Set(await pc.activeAccountIds(out.map((m) => m.userId)));
    for (const m of out)
      if (!active.has(m.userId))
        failures.push({ path: `groups_users.${m.index}.user_id`, rule: 'user_exists', message: GROUP_MSG.userMissing });
    if (out.length && !out.some((m) => m.isAdmin))
      failures.push({ path: 'groups_users', rule: 'at_least_one_group_manager', message: GROUP_MSG.manager });
    return out;
  }

  function checkName(raw: unknown, failures: RuleFailure[], required: boolean): string | undefined {
    if (raw === undefined || raw === null) {
      if (required) failures.push({ path: 'name', rule: '_required', message: 'A name is required.' });
      return undefined;
    }
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (!name) failures.push({ path: 'name', rule: '_empty', message: 'The name should not be empty.' });
    else if (name.length > NAME_MAX)
      failures.push({
        path: 'name',
        rule: 'maxLength',
        message: `The name length should be maximum ${NAME_MAX} characters.`,
      });
    return name || undefined;
  }

  /**
   * The membership changes of an update (GroupsUsersChangeValidator: an add has `user_id` and no `id`, an update `id`
   * and `is_admin`, a delete `id` and `delete`). Adds from someone who is no manager are ignored, as Passbolt turns them
   * into requests to the managers.
   */
  async function readChanges(raw: unknown, members: GroupUserRow[], isManager: boolean, failures: RuleFailure[]) {
    const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : null;
    if (!list || list.length > 10000) {
      failures.push({
        path: 'groups_users',
        rule: '_invalid',
        message: 'The group users should be a list of changes.',
      });
      return [];
    }
    const changes: Change[] = [];
    for (const [index, item] of list.entries()) {
      const c = bodyObject(item);
      const has = (k: string) => c[k] !== undefined && c[k] !== null;
      if (!has('id') && has('user_id') && !has('delete')) {
        if (!isUuid(c.user_id)) {
          failures.push({
            path: `groups_users.${index}.user_id`,
            rule: 'uuid',
            message: 'The user identifier should be a valid UUID.',
          });
          continue;
        }
        const userId = c.user_id.toLowerCase();
        if (members.some((m) => m.user_id === userId) || changes.some((x) => x.kind === 'add' && x.userId === userId)) {
          failures.push({
            path: `groups_users.${index}.user_id`,
            rule: 'group_user_unique',
            message: 'The user is already a member of this group.',
          });
          continue;
        }
        if (!(await pc.activeAccountIds([userId])).length) {
          failures.push({ path: `groups_users.${index}.user_id`, rule: 'user_exists', message: GROUP_MSG.userMissing });
          continue;
        }
        if (isManager) changes.push({ kind: 'add', index, userId, isAdmin: c.is_admin === true });
        continue;
      }
      const member = isUuid(c.id) ? members.find((m) => m.id === String(c.id).toLowerCase()) : undefined;
      if (!member || has('user_id')) {
        failures.push({ path: `groups_users.${index}.id`, rule: 'exists', message: GROUP_MSG.memberMissing });
        continue;
      }
      if (has('delete') && !has('is_admin')) changes.push({ kind: 'delete', index, member });
      else if (has('is_admin') && !has('delete'))
        changes.push({ kind: 'update', index, member, isAdmin: c.is_admin === true });
      else failures.push({ path: `groups_users.${index}`, rule: '_invalid', message: 'The change is not valid.' });
    }
    const managers = new Set(members.filter((m) => m.is_admin === 1).map((m) => m.id));
    for (const c of changes) {
      if (c.kind === 'delete') managers.delete(c.member.id);
      if (c.kind === 'update' && c.isAdmin) managers.add(c.member.id);
      if (c.kind === 'update' && !c.isAdmin) managers.delete(c.member.id);
    }
    if (!managers.size && !changes.some((c) => c.kind === 'add' && c.isAdmin))
      failures.push({ path: 'groups_users', rule: 'at_least_one_group_manager', message: GROUP_MSG.manager });
    return changes;
  }

  /** For each member being added, the group's resources they do not hold yet: the copies they must be given. */
  async function neededCopies(groupId: string, adds: string[], trx: Db<PassboltTables> = repo.db) {
    const resources = (await repo.resourcesOfGroup(groupId, trx)).map((r) => r.id).sort();
    const holders = await repo.holdersOf(resources, trx);
    const needed: { resource_id: string; user_id: string }[] = [];
    for (const userId of adds)
      for (const rid of resources)
        if (!holders.get(rid)?.includes(userId)) needed.push({ resource_id: rid, user_id: userId });
    return needed;
  }

  /**
   * After members leave a group (or the group goes), the copies they no longer hold any permission for are removed,
   * as Passbolt removes them; what they hold directly or through another group stays.
   */
  async function dropLostCopies(groupId: string, accountIds: string[], trx: Db<PassboltTables>, resources?: string[]) {
    if (!accountIds.length) return [];
    const rids = resources ?? (await repo.resourcesOfGroup(groupId, trx)).map((r) => r.id);
    const holders = await repo.holdersOf(rids, trx);
    const lost = new Map<string, string[]>();
    for (const accountId of accountIds) {
      const gone = rids.filter((rid) => !holders.get(rid)?.includes(accountId));
      await repo.deleteSecretsOfAccount(accountId, gone, trx);
      for (const rid of gone) lost.set(rid, [...(lost.get(rid) ?? []), accountId]);
    }
    return [...lost].map(([rid, recipients]) =>
      audit(PassboltAudit.secretDelete, 'passbolt.resource', rid, { recipients }),
    );
  }

  return { newMembers, checkName, readChanges, neededCopies, dropLostCopies };
}
