import { nowIso, readOfMany, type AuditActor, type AuditEvent, type Caller, type Db } from '../../../core/ports.js';
import { badRequest, forbiddenError, notFoundError, validationError, type RuleFailure } from '../errors.js';
import { PassboltAudit } from '../events.js';
import type { GroupRow, GroupUserRow, SecretRow } from '../repo.js';
import { groupJson, groupUserJson, resourceJson, secretJson } from '../serializers.js';
import type { PassboltTables } from '../tables.js';
import { audit, ENGINE, isUuid, PermissionType, type PassboltContext } from './context.js';
import { prepareSecretCopies } from './secret-copies.js';
import type { UserService } from './users.js';
import { bodyObject, secretItems, truthy } from './validate.js';

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

/** Reads a repeatable filter as Passbolt clients send it (`filter[x][]=a&filter[x][]=b`, or one `filter[x]=a`). */
function idsFilter(query: Record<string, unknown>, name: string): string[] | undefined {
  const raw = query[`filter[${name}][]`] ?? query[`filter[${name}]`];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).filter(isUuid).map((s) => s.toLowerCase());
}

/**
 * Groups (passbolt_api GroupsIndex/View/Add/Update/Delete): everyone sees every group; administrators create them
 * and rename them; group managers change the members, and a member added must receive, in the same request, a copy
 * of every secret the group holds that they do not hold already (the dry run names them).
 */
export function createGroupService(pc: PassboltContext, users: UserService) {
  const { repo, ctx } = pc;

  async function groupOrFail(rawId: string, invalid: string, missing: string): Promise<GroupRow> {
    if (!isUuid(rawId)) throw badRequest(invalid);
    const group = await repo.getGroup(rawId.toLowerCase());
    if (!group) throw notFoundError(missing);
    return group;
  }

  /** Administrators, and the group's managers, may change a group; others get Passbolt's 403. */
  async function managerOrAdmin(caller: Caller, groupId: string, forbidden = GROUP_MSG.forbidden) {
    const account = await pc.accountOf(caller);
    const members = await repo.membersOf([groupId]);
    const isManager = !!account && members.some((m) => m.user_id === account.id && m.is_admin === 1);
    if (!isManager && !caller.user.isSuperuser) throw forbiddenError(forbidden);
    return { account, members, isManager };
  }

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
      return u ? (({ gpgkey: _k, role: _r, ...rest }) => rest)(u) : null;
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

  /** Members as `groups_users` entries give them, each an active user with a key; at least one manager. */
  async function newMembers(raw: unknown, failures: RuleFailure[]) {
    const list = Array.isArray(raw) ? raw : [];
    if (!Array.isArray(raw) || !list.length || list.length > 10000)
      failures.push({ path: 'groups_users', rule: '_required', message: 'The group users are required.' });
    const seen = new Set<string>();
    const out: { userId: string; isAdmin: boolean }[] = [];
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
      out.push({ userId, isAdmin: m.is_admin === true || m.is_admin === 1 || m.is_admin === '1' });
    }
    const active = new Set(await pc.activeAccountIds(out.map((m) => m.userId)));
    out.forEach((m, i) => {
      if (!active.has(m.userId))
        failures.push({ path: `groups_users.${i}.user_id`, rule: 'user_exists', message: GROUP_MSG.userMissing });
    });
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
      if (c.kind === 'update') c.isAdmin ? managers.add(c.member.id) : managers.delete(c.member.id);
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

  return {
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

    async view(caller: Caller, rawId: string, query: Record<string, unknown>) {
      const group = await groupOrFail(rawId, GROUP_MSG.idInvalid, GROUP_MSG.notFound);
      return (await decorate([group], query, caller))[0]!;
    },

    /** POST /groups.json: administrators only; the members given, at least one of them a manager. */
    async create(caller: Caller, actor: AuditActor, rawBody: unknown, query: Record<string, unknown>) {
      if (!caller.user.isSuperuser) throw forbiddenError(GROUP_MSG.forbidden);
      const account = await pc.requireAccount(caller);
      const body = bodyObject(rawBody);
      const failures: RuleFailure[] = [];
      const name = checkName(body.name, failures, true);
      const members = await newMembers(body.groups_users, failures);
      if (name && (await repo.groupByName(name)))
        failures.push({ path: 'name', rule: 'group_unique', message: 'The name is already used by another group.' });
      if (failures.length) throw validationError(GROUP_MSG.validation, failures);
      const now = nowIso();
      const group: GroupRow = {
        id: pc.newId(),
        name: name!,
        name_key: name!.toLowerCase(),
        created: now,
        modified: now,
        created_by: account.id,
        modified_by: account.id,
      };
      await repo.db.transaction().execute(async (trx) => {
        if (await repo.groupByName(group.name, trx))
          throw validationError(GROUP_MSG.validation, [
            { path: 'name', rule: 'group_unique', message: 'The name is already used by another group.' },
          ]);
        await repo.insertGroup(group, trx);
        await repo.insertMembers(
          members.map((m) => ({
            id: pc.newId(),
            group_id: group.id,
            user_id: m.userId,
            is_admin: m.isAdmin ? 1 : 0,
            created: now,
          })),
          trx,
        );
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.groupCreate, 'passbolt.group', group.id, {
            members: members.map((m) => m.userId),
            managers: members.filter((m) => m.isAdmin).map((m) => m.userId),
          }),
        ]);
      });
      return (await decorate([group], { ...query, 'contain[groups_users]': '1' }, caller))[0]!;
    },

    /** PUT /groups/{id}/dry-run.json: the copies an update adding members must carry, and the caller's own to make them from. */
    async dryRun(caller: Caller, rawId: string, rawBody: unknown, reads: AuditEvent[]) {
      const group = await groupOrFail(rawId, GROUP_MSG.idInvalid, GROUP_MSG.notFound);
      const { account, members, isManager } = await managerOrAdmin(caller, group.id);
      const failures: RuleFailure[] = [];
      const changes = await readChanges(bodyObject(rawBody).groups_users, members, isManager, failures);
      if (failures.length) throw validationError(GROUP_MSG.validation, failures);
      const adds = changes.flatMap((c) => (c.kind === 'add' ? [c.userId] : []));
      const needed = await neededCopies(group.id, adds);
      const resourceIds = [...new Set(needed.map((n) => n.resource_id))];
      const own = account ? await repo.secretsFor(resourceIds, account.id) : [];
      if (own.length < resourceIds.length)
        throw forbiddenError('You need access to every resource shared with the group to add members to it.');
      const secrets = [];
      for (const s of own) secrets.push({ Secret: [secretJson(s, await pc.openSecret(s.id, s.data_ct))] });
      reads.push(
        ...readOfMany(
          {
            engine: ENGINE,
            action: PassboltAudit.secretRead,
            objectType: 'passbolt.resource',
            details: { via: 'groups.dry_run' },
          },
          own.map((s) => s.resource_id),
        ),
      );
      return { 'dry-run': { SecretsNeeded: needed.map((Secret) => ({ Secret })), Secrets: secrets } };
    },

    /**
     * PUT /groups/{id}.json: a new name (administrators), members added (with their copies), roles changed and
     * members removed (with the copies they no longer hold): one transaction.
     */
    async update(caller: Caller, actor: AuditActor, rawId: string, rawBody: unknown) {
      const group = await groupOrFail(rawId, GROUP_MSG.idInvalid, GROUP_MSG.notFound);
      const { account, members, isManager } = await managerOrAdmin(caller, group.id);
      const body = bodyObject(rawBody);
      const failures: RuleFailure[] = [];
      const name = caller.user.isSuperuser ? checkName(body.name, failures, false) : undefined;
      if (name && name !== group.name) {
        const other = await repo.groupByName(name);
        if (other && other.id !== group.id)
          failures.push({ path: 'name', rule: 'group_unique', message: 'The name is already used by another group.' });
      }
      const changes = await readChanges(body.groups_users, members, isManager, failures);
      const adds = changes.flatMap((c) => (c.kind === 'add' ? [c.userId] : []));
      const needed = adds.length ? await neededCopies(group.id, adds) : [];
      const { items, failures: listFailures } = secretItems(body.secrets ?? []);
      failures.push(...listFailures);
      const rows: SecretRow[] = [];
      if (!failures.length && items) {
        const byResource = new Map<string, typeof items>();
        for (const [i, item] of items.entries()) {
          const raw = (item as { resource_id?: unknown }).resource_id;
          const rid = isUuid(raw) ? raw.toLowerCase() : undefined;
          if (!rid || !needed.some((n) => n.resource_id === rid)) {
            failures.push({ path: `secrets.${i}.resource_id`, rule: 'has_resource_access', message: 'Access denied.' });
            continue;
          }
          byResource.set(rid, [...(byResource.get(rid) ?? []), item]);
        }
        for (const rid of new Set(needed.map((n) => n.resource_id))) {
          const expected = needed.filter((n) => n.resource_id === rid).map((n) => n.user_id);
          const prepared = await prepareSecretCopies(pc, rid, byResource.get(rid) ?? [], expected, {
            path: 'secrets',
            rule: 'secrets_provided',
            message: GROUP_MSG.secrets,
          });
          failures.push(...prepared.failures);
          rows.push(...prepared.rows);
        }
      }
      if (failures.length) throw validationError(GROUP_MSG.validation, failures);
      const now = nowIso();
      const removed = changes.flatMap((c) => (c.kind === 'delete' ? [c.member.user_id] : []));
      await repo.db.transaction().execute(async (trx) => {
        // What the copies were made for must still hold: the same resources, the same holders, the same members.
        const neededNow = adds.length ? await neededCopies(group.id, adds, trx) : [];
        const membersNow = await repo.membersOf([group.id], trx);
        const key = (list: { resource_id: string; user_id: string }[]) =>
          list
            .map((n) => `${n.resource_id}:${n.user_id}`)
            .sort()
            .join();
        if (
          key(neededNow) !== key(needed) ||
          membersNow
            .map((m) => `${m.id}:${m.is_admin}`)
            .sort()
            .join() !==
            members
              .map((m) => `${m.id}:${m.is_admin}`)
              .sort()
              .join()
        )
          throw validationError(GROUP_MSG.validation, [
            {
              path: 'groups_users',
              rule: 'concurrent_change',
              message: 'The group changed meanwhile; simulate and update again.',
            },
          ]);
        const set: Partial<GroupRow> = { modified: now, modified_by: account?.id ?? group.modified_by };
        if (name) Object.assign(set, { name, name_key: name.toLowerCase() });
        await repo.updateGroup(group.id, set, trx);
        await repo.insertMembers(
          changes.flatMap((c) =>
            c.kind === 'add'
              ? [{ id: pc.newId(), group_id: group.id, user_id: c.userId, is_admin: c.isAdmin ? 1 : 0, created: now }]
              : [],
          ),
          trx,
        );
        for (const c of changes) if (c.kind === 'update') await repo.setMemberAdmin(c.member.id, c.isAdmin, trx);
        await repo.deleteMembers(
          changes.flatMap((c) => (c.kind === 'delete' ? [c.member.id] : [])),
          trx,
        );
        await repo.insertSecrets(rows, trx);
        const events = [
          audit(PassboltAudit.groupUpdate, 'passbolt.group', group.id, {
            renamed: !!name && name !== group.name,
            added: adds,
            removed,
            roles_changed: changes.filter((c) => c.kind === 'update').length,
          }),
        ];
        for (const rid of new Set(rows.map((r) => r.resource_id)))
          events.push(
            audit(PassboltAudit.secretCreate, 'passbolt.resource', rid, {
              recipients: rows.filter((r) => r.resource_id === rid).map((r) => r.user_id),
            }),
          );
        events.push(...(await dropLostCopies(group.id, removed, trx)));
        await ctx.audit.appendWithin(trx, actor, events);
      });
      const [json] = await decorate(
        [(await repo.getGroup(group.id))!],
        { 'contain[groups_users.user.profile]': '1' },
        caller,
      );
      return json!;
    },

    /** DELETE /groups/{id}.json (and its dry run): refused while the group is the only owner of a resource. */
    async remove(caller: Caller, actor: AuditActor, rawId: string, dryRun: boolean) {
      if (!isUuid(rawId)) throw badRequest(GROUP_MSG.deleteIdInvalid);
      const group = await repo.getGroup(rawId.toLowerCase());
      if (!group) {
        if (!caller.user.isSuperuser) throw forbiddenError(GROUP_MSG.forbidden);
        throw notFoundError(GROUP_MSG.deleteNotFound);
      }
      const { members } = await managerOrAdmin(caller, group.id);
      const held = await repo.resourcesOfGroup(group.id);
      const owners = await repo.permissionsOf(held.map((r) => r.id));
      const soleOwned = held.filter(
        (r) =>
          r.type === PermissionType.owner &&
          !owners.some(
            (p) => p.aco_foreign_key === r.id && p.aro_foreign_key !== group.id && p.type === PermissionType.owner,
          ),
      );
      if (soleOwned.length) {
        const resources = await Promise.all(soleOwned.map((r) => repo.getResource(r.id)));
        throw validationError(GROUP_MSG.soleOwner, [
          ...resources.flatMap((r, i) =>
            r ? [{ path: `resources.sole_owner.${i}.id`, rule: 'sole_owner', message: r.id }] : [],
          ),
        ]);
      }
      if (dryRun) {
        const resources = await Promise.all(held.map((r) => repo.getResource(r.id)));
        return resources.flatMap((r) => (r ? [resourceJson(r)] : []));
      }
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteGroup(group.id, trx);
        const events = [
          audit(PassboltAudit.groupDelete, 'passbolt.group', group.id, { members: members.map((m) => m.user_id) }),
        ];
        events.push(
          ...(await dropLostCopies(
            group.id,
            members.map((m) => m.user_id),
            trx,
            held.map((r) => r.id),
          )),
        );
        await ctx.audit.appendWithin(trx, actor, events);
      });
      return null;
    },
  };

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
}

export type GroupService = ReturnType<typeof createGroupService>;

/** A group as the share dialog's search lists it (ShareSearchController: groups with their member count). */
export async function groupArosMatching(pc: PassboltContext, needle: string) {
  const groups = (await pc.repo.listGroups()).filter((g) => g.name.toLowerCase().includes(needle));
  const members = await pc.repo.membersOf(groups.map((g) => g.id));
  return groups.map((g) => ({ ...groupJson(g), user_count: members.filter((m) => m.group_id === g.id).length }));
}
