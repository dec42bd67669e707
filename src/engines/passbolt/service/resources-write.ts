import { nowIso, type AuditActor, type Caller, type Db } from '../../../core/ports.js';
import { forbiddenError, MSG, validationError, type RuleFailure } from '../errors.js';
import type { PassboltTables } from '../tables.js';
import type { ResourceRow, SecretRow } from '../repo.js';
import { DEFAULT_RESOURCE_TYPE_ID, DESCRIPTION_IN_SECRET, resourceTypeById } from '../resource-types.js';
import { PassboltAudit } from '../events.js';
import { audit, isUuid, PermissionType, type PassboltContext } from './context.js';
import type { ResourceReader } from './resources-read.js';
import { prepareSecretCopies } from './secret-copies.js';
import { bodyObject, checkResourceFields, secretItems } from './validate.js';

export function createResourceWriter(pc: PassboltContext, reader: ResourceReader) {
  const { repo, ctx } = pc;

  function resourceTypeOf(body: Record<string, unknown>, failures: RuleFailure[], fallback: string): string {
    const raw = body.resource_type_id;
    if (raw === undefined || raw === null) return fallback;
    if (!isUuid(raw))
      failures.push({
        path: 'resource_type_id',
        rule: 'uuid',
        message: 'The resource type identifier should be a valid UUID.',
      });
    else if (!resourceTypeById(raw.toLowerCase()))
      failures.push({
        path: 'resource_type_id',
        rule: 'resource_type_exists',
        message: 'The resource type does not exist.',
      });
    return typeof raw === 'string' ? raw.toLowerCase() : fallback;
  }

  async function inTransaction<R>(work: (trx: Db<PassboltTables>) => Promise<R>): Promise<R> {
    return repo.db.transaction().execute(work);
  }

  return {
    /** POST /resources.json: the resource, the owner permission for the creator, and the creator's secret. */
    async create(caller: Caller, actor: AuditActor, rawBody: unknown) {
      const account = await pc.requireAccount(caller);
      const body = bodyObject(rawBody);
      const { fields, failures } = checkResourceFields(body, true);
      const typeId = resourceTypeOf(body, failures, DEFAULT_RESOURCE_TYPE_ID);
      const { items, failures: listFailures } = secretItems(body.secrets);
      failures.push(...listFailures);
      if (!items && !listFailures.length)
        failures.push({ path: 'secrets', rule: '_required', message: 'The owner secret is required.' });
      if (items && items.length !== 1)
        failures.push({
          path: 'secrets',
          rule: 'hasAtMost',
          message: 'The secrets should contain only the secret of the owner.',
        });
      const id = pc.newId();
      let secretRows: SecretRow[] = [];
      if (!failures.length && items) {
        const owned = items.map((s) => ({ ...s, user_id: s.user_id ?? account.id }));
        const prepared = await prepareSecretCopies(pc, id, owned, [account.id], {
          path: 'secrets',
          rule: 'owner_secret_provided',
          message: MSG.ownerSecret,
        });
        if (prepared.failures.some((f) => f.rule === 'has_resource_access'))
          failures.push({ path: 'secrets', rule: 'owner_secret_provided', message: MSG.ownerSecret });
        else failures.push(...prepared.failures);
        secretRows = prepared.rows;
      }
      if (failures.length) throw validationError(MSG.resourceValidation, failures);
      const now = nowIso();
      const row: ResourceRow = {
        id,
        name: fields.name!,
        username: fields.username ?? null,
        uri: fields.uri ?? null,
        // Types that carry the description inside the secret drop a clear one (ResourcesTable::beforeMarshal).
        description: DESCRIPTION_IN_SECRET.has(typeId) ? null : (fields.description ?? null),
        resource_type_id: typeId,
        deleted: 0,
        expired: fields.expired ?? null,
        created: now,
        modified: now,
        created_by: account.id,
        modified_by: account.id,
      };
      await inTransaction(async (trx) => {
        await repo.insertResource(row, trx);
        await repo.insertPermissions(
          [
            {
              id: pc.newId(),
              aco: 'Resource',
              aco_foreign_key: id,
              aro: 'User',
              aro_foreign_key: account.id,
              type: PermissionType.owner,
              created: now,
              modified: now,
            },
          ],
          trx,
        );
        await repo.insertSecrets(secretRows, trx);
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.resourceCreate, 'passbolt.resource', id, { name_length: row.name.length }),
          audit(PassboltAudit.secretCreate, 'passbolt.resource', id, { recipients: 1 }),
        ]);
      });
      return reader.visible(account.id, id);
    },

    /** PUT /resources/{id}.json: clear fields, and when `secrets` is given, one new copy for every user with access. */
    async update(caller: Caller, actor: AuditActor, rawId: string, rawBody: unknown) {
      const id = pc.checkUuid(rawId, MSG.resourceIdInvalid);
      const account = await pc.accountOf(caller);
      const current = await reader.visible(account?.id, id);
      if (current.perm_type < PermissionType.update) throw forbiddenError(MSG.noUpdateRight);
      const body = bodyObject(rawBody);
      const { fields, failures } = checkResourceFields(body, false);
      const typeId = resourceTypeOf(body, failures, current.resource_type_id);
      const { items, failures: listFailures } = secretItems(body.secrets);
      failures.push(...listFailures);
      let secretRows: SecretRow[] | undefined;
      // Everyone holding a permission (directly or as a group's member), and of them those whose user is active: only they get a copy, as Passbolt's
      // isSecretsProvidedRule counts active users only; inactive users' copies go with the old secret.
      const holders = (await repo.holdersOf([id])).get(id) ?? [];
      if (!failures.length && items) {
        const active = await pc.activeAccountIds(holders);
        const prepared = await prepareSecretCopies(pc, id, items, active, {
          path: 'secrets',
          rule: 'secrets_provided',
          message: MSG.secretsProvided,
        });
        failures.push(
          ...prepared.failures.map((f) =>
            f.rule === 'has_resource_access'
              ? { path: 'secrets', rule: 'secrets_provided', message: MSG.secretsProvided }
              : f,
          ),
        );
        secretRows = prepared.rows;
      }
      if (failures.length) throw validationError(MSG.resourceValidation, failures);
      const set: Partial<ResourceRow> = { modified: nowIso(), modified_by: account!.id, resource_type_id: typeId };
      for (const key of ['name', 'username', 'uri', 'description', 'expired'] as const)
        if (fields[key] !== undefined) set[key] = fields[key] as never;
      if (DESCRIPTION_IN_SECRET.has(typeId)) set.description = null;
      await inTransaction(async (trx) => {
        // The row lock (PostgreSQL) / write lock (SQLite) taken here orders concurrent updates and shares.
        await repo.updateResource(id, set, trx);
        // The groups holding it too: a member added meanwhile would otherwise keep a copy of the old secret.
        await repo.lockGroups(
          (await repo.permissionsOf([id], trx)).filter((p) => p.aro === 'Group').map((p) => p.aro_foreign_key),
          trx,
        );
        const stillThere = await repo.getResource(id, trx);
        if (!stillThere) throw new Error('resource vanished during update');
        const events = [audit(PassboltAudit.resourceUpdate, 'passbolt.resource', id)];
        if (secretRows) {
          const holdersNow = (await repo.holdersOf([id], trx)).get(id) ?? [];
          // A share committed between the check and now changed who holds the resource: refuse rather than miss someone.
          if (holdersNow.join() !== holders.join())
            throw validationError(MSG.resourceValidation, [
              { path: 'secrets', rule: 'secrets_provided', message: MSG.secretsProvided },
            ]);
          await repo.deleteSecretsOf(id, 'all', trx);
          await repo.insertSecrets(secretRows, trx);
          events.push(audit(PassboltAudit.secretUpdate, 'passbolt.resource', id, { recipients: secretRows.length }));
        }
        await ctx.audit.appendWithin(trx, actor, events);
      });
      return reader.visible(account!.id, id);
    },

    /** DELETE /resources/{id}.json: soft delete; every secret copy and permission goes with it. */
    async remove(caller: Caller, actor: AuditActor, rawId: string) {
      const id = pc.checkUuid(rawId, MSG.resourceIdInvalid);
      const account = await pc.accountOf(caller);
      const current = await reader.visible(account?.id, id);
      if (current.perm_type < PermissionType.update) throw forbiddenError(MSG.noDeleteRight);
      await inTransaction(async (trx) => {
        await repo.updateResource(id, { deleted: 1, modified: nowIso(), modified_by: account!.id }, trx);
        await repo.deleteSecretsOf(id, 'all', trx);
        await repo.deletePermissions(
          (await repo.permissionsOf([id], trx)).map((p) => p.id),
          trx,
        );
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.resourceDelete, 'passbolt.resource', id),
          audit(PassboltAudit.secretDelete, 'passbolt.resource', id),
        ]);
      });
    },
  };
}

export type ResourceWriter = ReturnType<typeof createResourceWriter>;
