import { nowIso, type AuditActor, type Caller } from '../../../core/ports.js';
import { MSG, notFoundError, validationError, type RuleFailure } from '../errors.js';
import type { PermissionRow, SecretRow } from '../repo.js';
import { PassboltAudit } from '../events.js';
import { audit, isUuid, PERMISSION_TYPES, PermissionType, type PassboltContext } from './context.js';
import { prepareSecretCopies } from './secret-copies.js';
import { bodyObject, secretItems } from './validate.js';

interface Plan {
  resourceId: string;
  inserts: PermissionRow[];
  updates: { id: string; type: number }[];
  deletes: PermissionRow[];
  /** The accounts that hold the resource once the change is made. */
  after: string[];
  /** The groups holding it once the change is made. */
  groups: string[];
  ownerId: string;
  added: string[];
  removed: string[];
}

/**
 * PUT /share/resource/{id}.json and its dry run (passbolt_api src/Controller/Share/ShareController.php,
 * src/Service/Resources/ResourcesShareService.php). Only owners may share; others get the same 404 as for a
 * resource that does not exist. A permission's holder (`aro`) is a `User` or a `Group`; who gains or loses access is
 * counted in users, a group standing for its members, so the copies asked for are one per user who newly holds it.
 */
export function createShareService(pc: PassboltContext) {
  const { repo, ctx } = pc;

  async function plan(caller: Caller, rawId: string, rawPermissions: unknown): Promise<Plan> {
    const resourceId = pc.checkUuid(rawId, MSG.resourceIdNotValid);
    const account = await pc.accountOf(caller);
    const own = account ? await repo.permissionOf(resourceId, account.id) : undefined;
    if (!own || own.type !== PermissionType.owner || !(await repo.getResource(resourceId)))
      throw notFoundError(MSG.resourceNotFound);

    const current = await repo.permissionsOf([resourceId]);
    const final = new Map(current.map((p) => [p.aro_foreign_key, { aro: p.aro, type: p.type }]));
    const failures: RuleFailure[] = [];
    const inserts: PermissionRow[] = [];
    const updates: { id: string; type: number }[] = [];
    const deletes: PermissionRow[] = [];
    const changes = Array.isArray(rawPermissions) ? rawPermissions : [];
    if (!Array.isArray(rawPermissions) || changes.length > 10000)
      failures.push({ path: 'permissions', rule: '_invalid', message: 'The permissions should be a list of changes.' });
    const now = nowIso();
    const newcomers: string[] = [];
    for (const [i, raw] of changes.entries()) {
      const change = bodyObject(raw);
      const type = change.type;
      const typeOk = typeof type === 'number' && PERMISSION_TYPES.includes(type);
      if (change.id !== undefined && change.id !== null) {
        const existing = isUuid(change.id) ? current.find((p) => p.id === String(change.id).toLowerCase()) : undefined;
        if (!existing) {
          failures.push({ path: `permissions.${i}.id`, rule: 'exists', message: 'The permission does not exist.' });
          continue;
        }
        if (change.delete === true) {
          deletes.push(existing);
          final.delete(existing.aro_foreign_key);
        } else if (typeOk) {
          if (type !== existing.type) updates.push({ id: existing.id, type });
          final.set(existing.aro_foreign_key, { aro: existing.aro, type });
        } else
          failures.push({
            path: `permissions.${i}.type`,
            rule: 'inList',
            message: 'The type should be one of the following: 1, 7, 15.',
          });
        continue;
      }
      if (change.aro !== 'User' && change.aro !== 'Group') {
        failures.push({
          path: `permissions.${i}.aro`,
          rule: 'inList',
          message: 'The access request object should be one of the following: User, Group.',
        });
        continue;
      }
      const aroKind = change.aro;
      if (!isUuid(change.aro_foreign_key)) {
        failures.push({
          path: `permissions.${i}.aro_foreign_key`,
          rule: 'uuid',
          message: 'The access request object identifier should be a valid UUID.',
        });
        continue;
      }
      if (!typeOk) {
        failures.push({
          path: `permissions.${i}.type`,
          rule: 'inList',
          message: 'The type should be one of the following: 1, 7, 15.',
        });
        continue;
      }
      const aro = String(change.aro_foreign_key).toLowerCase();
      const exists = aroKind === 'Group' ? !!(await repo.getGroup(aro)) : (await pc.activeAccountIds([aro])).length > 0;
      if (!exists) {
        failures.push({
          path: `permissions.${i}.aro_foreign_key`,
          rule: 'aro_exists',
          message: aroKind === 'Group' ? 'The group does not exist.' : MSG.userHasNoKey,
        });
        continue;
      }
      const existing = current.find((p) => p.aro_foreign_key === aro);
      if (existing) {
        if (type !== existing.type) updates.push({ id: existing.id, type });
      } else if (!newcomers.includes(aro)) {
        newcomers.push(aro);
        inserts.push({
          id: pc.newId(),
          aco: 'Resource',
          aco_foreign_key: resourceId,
          aro: aroKind,
          aro_foreign_key: aro,
          type,
          created: now,
          modified: now,
        });
      } else {
        const pending = inserts.find((p) => p.aro_foreign_key === aro)!;
        pending.type = type;
      }
      final.set(aro, { aro: aroKind, type });
    }
    if (![...final.values()].some((p) => p.type === PermissionType.owner))
      failures.push({ path: 'permissions', rule: 'at_least_one_owner', message: MSG.atLeastOneOwner });
    if (failures.length) throw validationError(MSG.resourceValidation, failures);
    const before = new Set((await repo.holdersOf([resourceId])).get(resourceId) ?? []);
    const after = new Set(await usersOf(final));
    return {
      resourceId,
      inserts,
      updates,
      deletes,
      after: [...after].sort(),
      // Only users who can log in get a copy (as for a secret update), so only they are named as gaining access.
      added: (await pc.activeAccountIds([...after].filter((a) => !before.has(a)))).sort(),
      removed: [...before].filter((a) => !after.has(a)).sort(),
      groups: [...final].filter(([, h]) => h.aro === 'Group').map(([id]) => id),
      ownerId: account!.id,
    };
  }

  /** The accounts a set of holders stands for: the users, and every member of the groups. */
  async function usersOf(holders: Map<string, { aro: string }>, trx = repo.db) {
    const groups = [...holders].filter(([, h]) => h.aro === 'Group').map(([id]) => id);
    const members = (await repo.membersOf(groups, trx)).map((m) => m.user_id);
    const direct = [...holders].filter(([, h]) => h.aro === 'User').map(([id]) => id);
    return [...new Set([...direct, ...members])];
  }

  return {
    async simulate(caller: Caller, rawId: string, rawBody: unknown) {
      const p = await plan(caller, rawId, bodyObject(rawBody).permissions);
      return {
        changes: { added: p.added.map((id) => ({ User: { id } })), removed: p.removed.map((id) => ({ User: { id } })) },
      };
    },

    /** Applies permission changes, stores the new users' copies, deletes the removed users' copies: one transaction. */
    async share(caller: Caller, actor: AuditActor, rawId: string, rawBody: unknown) {
      const body = bodyObject(rawBody);
      const p = await plan(caller, rawId, body.permissions);
      const { items, failures } = secretItems(body.secrets ?? []);
      let rows: SecretRow[] = [];
      if (!failures.length && items) {
        // Copies for the users who newly hold it and can log in (as for a secret update, inactive users get none).
        const prepared = await prepareSecretCopies(pc, p.resourceId, items, p.added, {
          path: 'secrets',
          rule: 'secrets_provided',
          message: MSG.shareSecrets,
        });
        failures.push(...prepared.failures);
        rows = prepared.rows;
      }
      if (failures.length) throw validationError(MSG.resourceValidation, failures);
      await repo.db.transaction().execute(async (trx) => {
        // Locks first (the resource, then every group holding it before or after), then re-read under them: a
        // concurrent share, group change or secret update must not leave a user with access and no copy, or the reverse.
        await repo.lockResource(p.resourceId, trx);
        const now = await repo.permissionsOf([p.resourceId], trx);
        await repo.lockGroups(
          [...p.groups, ...now.filter((x) => x.aro === 'Group').map((x) => x.aro_foreign_key)],
          trx,
        );
        const still = await repo.permissionOf(p.resourceId, p.ownerId, trx);
        if (!still || still.type !== PermissionType.owner) throw notFoundError(MSG.resourceNotFound);
        const expectedBefore = new Set([...p.deletes.map((d) => d.id), ...p.updates.map((u) => u.id)]);
        if (
          ![...expectedBefore].every((id) => now.some((x) => x.id === id)) ||
          p.inserts.some((i) => now.some((x) => x.aro_foreign_key === i.aro_foreign_key))
        ) {
          throw validationError(MSG.resourceValidation, [
            {
              path: 'permissions',
              rule: 'concurrent_change',
              message: 'The permissions changed meanwhile; simulate and share again.',
            },
          ]);
        }
        await repo.deletePermissions(
          p.deletes.map((d) => d.id),
          trx,
        );
        for (const u of p.updates) await repo.updatePermissionType(u.id, u.type, nowIso(), trx);
        await repo.insertPermissions(p.inserts, trx);
        await repo.deleteSecretsOf(p.resourceId, p.removed, trx);
        await repo.insertSecrets(rows, trx);
        const after = await repo.permissionsOf([p.resourceId], trx);
        if (!after.some((x) => x.type === PermissionType.owner))
          throw validationError(MSG.resourceValidation, [
            { path: 'permissions', rule: 'at_least_one_owner', message: MSG.atLeastOneOwner },
          ]);
        // A group's members changed meanwhile: the copies would miss someone, or reach someone without access.
        const holdersNow = (await repo.holdersOf([p.resourceId], trx)).get(p.resourceId) ?? [];
        if (holdersNow.join() !== p.after.join())
          throw validationError(MSG.resourceValidation, [
            {
              path: 'permissions',
              rule: 'concurrent_change',
              message: 'The permissions changed meanwhile; simulate and share again.',
            },
          ]);
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.resourceShare, 'passbolt.resource', p.resourceId, {
            added: p.added,
            removed: p.removed,
            changed: p.updates.length,
          }),
          ...(rows.length
            ? [audit(PassboltAudit.secretCreate, 'passbolt.resource', p.resourceId, { recipients: p.added })]
            : []),
          ...(p.removed.length
            ? [audit(PassboltAudit.secretDelete, 'passbolt.resource', p.resourceId, { recipients: p.removed })]
            : []),
        ]);
      });
    },
  };
}

export type ShareService = ReturnType<typeof createShareService>;
