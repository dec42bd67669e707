import {
  isUniqueViolation,
  nowIso,
  readOfMany,
  type AuditActor,
  type AuditEvent,
  type Caller,
  type Db,
} from '../../../core/ports.js';
import type { PassboltTables } from '../tables.js';
import {
  badRequest,
  customValidationError,
  forbiddenError,
  notFoundError,
  validationError,
  type RuleFailure,
} from '../errors.js';
import { PassboltAudit } from '../events.js';
import type { GroupRow, SecretRow } from '../repo.js';
import { permissionJson, resourceJson, secretJson } from '../serializers.js';
import { audit, ENGINE, isUuid, PermissionType, type PassboltContext } from './context.js';
import { createGroupMembers, GROUP_MSG } from './group-members.js';
import { createGroupReader } from './groups-read.js';
import { prepareSecretCopies } from './secret-copies.js';
import type { UserService } from './users.js';
import { bodyObject, secretItems } from './validate.js';

export { GROUP_MSG };

const NAME_TAKEN = 'The name is already used by another group.';

/**
 * Groups (passbolt_api GroupsIndex/View/Add/Update/Delete): everyone sees every group; administrators create them
 * and rename them; group managers change the members, and a member added must receive, in the same request, a copy
 * of every secret the group holds that they do not hold already (the dry run names them).
 */
export function createGroupService(pc: PassboltContext, users: UserService) {
  const { repo, ctx } = pc;

  const reader = createGroupReader(pc, users);
  const { decorate } = reader;
  const { newMembers, checkName, readChanges, neededCopies, dropLostCopies } = createGroupMembers(pc);

  async function groupOrFail(rawId: string): Promise<GroupRow> {
    if (!isUuid(rawId)) throw badRequest(GROUP_MSG.idInvalid);
    const group = await repo.getGroup(rawId.toLowerCase());
    if (!group) throw notFoundError(GROUP_MSG.notFound);
    return group;
  }

  /** Administrators, and the group's managers, may change a group; others get Passbolt's 403. */
  async function managerOrAdmin(caller: Caller, groupId: string) {
    const account = await pc.accountOf(caller);
    const members = await repo.membersOf([groupId]);
    const isManager = !!account && members.some((m) => m.user_id === account.id && m.is_admin === 1);
    if (!isManager && !caller.user.isSuperuser) throw forbiddenError(GROUP_MSG.forbidden);
    return { account, members, isManager };
  }

  /** A unique index refusing a write (two requests creating the same name or member at once) is the same refusal. */
  async function uniqueAsRefusal<T>(failure: RuleFailure, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (isUniqueViolation(e)) throw validationError(GROUP_MSG.validation, [failure]);
      throw e;
    }
  }

  /**
   * What deleting a group touches, or Passbolt's refusal (GroupsDeleteController::_validateDelete) when the group is
   * the only owner of a resource: the body names those resources, as the extension's transfer dialog reads them.
   */
  async function deletable(groupId: string, trx: Db<PassboltTables> = repo.db) {
    const members = await repo.membersOf([groupId], trx);
    const held = await repo.resourcesOfGroup(groupId, trx);
    const permissions = await repo.permissionsOf(
      held.map((r) => r.id),
      trx,
    );
    const soleOwned = held.filter(
      (r) =>
        r.type === PermissionType.owner &&
        !permissions.some(
          (p) => p.aco_foreign_key === r.id && p.aro_foreign_key !== groupId && p.type === PermissionType.owner,
        ),
    );
    if (soleOwned.length) {
      const resources = (await Promise.all(soleOwned.map((r) => repo.getResource(r.id, trx)))).flatMap((r) =>
        r
          ? [
              {
                ...resourceJson(r),
                permissions: permissions.filter((p) => p.aco_foreign_key === r.id).map(permissionJson),
              },
            ]
          : [],
      );
      throw customValidationError(GROUP_MSG.soleOwner, { errors: { resources: { sole_owner: resources } } });
    }
    return { members, held };
  }

  return {
    list: reader.list,

    async view(caller: Caller, rawId: string, query: Record<string, unknown>) {
      return reader.view(caller, await groupOrFail(rawId), query);
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
        failures.push({ path: 'name', rule: 'group_unique', message: NAME_TAKEN });
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
      await uniqueAsRefusal({ path: 'name', rule: 'group_unique', message: NAME_TAKEN }, () =>
        repo.db.transaction().execute(async (trx) => {
          if (await repo.groupByName(group.name, trx))
            throw validationError(GROUP_MSG.validation, [{ path: 'name', rule: 'group_unique', message: NAME_TAKEN }]);
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
        }),
      );
      return (await decorate([group], { ...query, 'contain[groups_users]': '1' }, caller))[0]!;
    },

    /** PUT /groups/{id}/dry-run.json: the copies an update adding members must carry, and the caller's own to make them from. */
    async dryRun(caller: Caller, rawId: string, rawBody: unknown, reads: AuditEvent[]) {
      const group = await groupOrFail(rawId);
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
      const group = await groupOrFail(rawId);
      const { account, members, isManager } = await managerOrAdmin(caller, group.id);
      const body = bodyObject(rawBody);
      const failures: RuleFailure[] = [];
      const name = caller.user.isSuperuser ? checkName(body.name, failures, false) : undefined;
      if (name && name !== group.name) {
        const other = await repo.groupByName(name);
        if (other && other.id !== group.id) failures.push({ path: 'name', rule: 'group_unique', message: NAME_TAKEN });
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
      const clash = name
        ? { path: 'name', rule: 'group_unique', message: NAME_TAKEN }
        : { path: 'groups_users', rule: 'group_user_unique', message: 'The user is already a member of this group.' };
      await uniqueAsRefusal(clash, () =>
        repo.db.transaction().execute(async (trx) => {
          // Under the group's lock (shares with the group and secret updates of its resources take it too), what the
          // copies were made for must still hold: the same resources, the same holders, the same members.
          await repo.lockGroups([group.id], trx);
          if (name && name !== group.name) {
            const other = await repo.groupByName(name, trx);
            if (other && other.id !== group.id) throw validationError(GROUP_MSG.validation, [clash]);
          }
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
        }),
      );
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
      await managerOrAdmin(caller, group.id);
      const first = await deletable(group.id);
      if (dryRun) {
        const resources = await Promise.all(first.held.map((r) => repo.getResource(r.id)));
        return resources.flatMap((r) => (r ? [resourceJson(r)] : []));
      }
      await repo.db.transaction().execute(async (trx) => {
        // Under the group's lock, what was checked is checked again: members and shares may have changed meanwhile.
        await repo.lockGroups([group.id], trx);
        const { members, held } = await deletable(group.id, trx);
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
}

export type GroupService = ReturnType<typeof createGroupService>;
