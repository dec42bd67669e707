import { readOfMany, type AuditEvent, type Caller } from '../../../core/ports.js';
import type { Static } from '../../../http/schemas.js';
import { MSG, notFoundError } from '../errors.js';
import type { PermissionRow, ResourceFilter, ResourceRow, VisibleResource } from '../repo.js';
import { resourceTypeById } from '../resource-types.js';
import type { ResourceWithContain } from '../schema.js';
import { briefUserJson, groupJson, permissionJson, resourceJson, secretJson } from '../serializers.js';
import { ENGINE, isUuid, readEvent, type PassboltContext } from './context.js';
import { PassboltAudit } from '../events.js';
import { truthy } from './validate.js';

/** The `contain[…]` options clients send (passbolt_api ResourcesIndexController ALLOWED_CONTAIN, v4 subset). */
export interface Contain {
  secret: boolean;
  permission: boolean;
  permissions: boolean;
  permissionsUser: boolean;
  creator: boolean;
  modifier: boolean;
  resourceType: boolean;
}

/** Reads `contain[x]=1` and `filter[x]=…` from the flat query keys Fastify leaves as they are. */
export function parseListQuery(query: Record<string, unknown>): { contain: Contain; filter: ResourceFilter } {
  const c = (name: string) => truthy(query[`contain[${name}]`]);
  const hasIdRaw = query['filter[has-id][]'] ?? query['filter[has-id]'];
  const hasIds =
    hasIdRaw === undefined
      ? undefined
      : (Array.isArray(hasIdRaw) ? hasIdRaw : [hasIdRaw]).filter(isUuid).map((s) => s.toLowerCase());
  const search = query['filter[search]'];
  const group = query['filter[is-shared-with-group]'];
  return {
    contain: {
      secret: c('secret'),
      permission: c('permission'),
      permissions: c('permissions') || c('permissions.user') || c('permissions.user.profile'),
      permissionsUser: c('permissions.user') || c('permissions.user.profile'),
      creator: c('creator'),
      modifier: c('modifier'),
      resourceType: c('resource-type') || c('resource_type'),
    },
    filter: {
      hasIds,
      ownedByMe: truthy(query['filter[is-owned-by-me]']),
      sharedWithMe: truthy(query['filter[is-shared-with-me]']),
      search: typeof search === 'string' && search.length <= 255 ? search : undefined,
      // A value that is no UUID matches no group, so it lists nothing rather than everything.
      sharedWithGroup:
        group === undefined ? undefined : isUuid(group) ? group.toLowerCase() : '00000000-0000-0000-0000-000000000000',
    },
  };
}

export function createResourceReader(pc: PassboltContext) {
  const { repo } = pc;

  /** Resource JSON with the asked-for associations; `reads` collects the secret copies handed out. */
  async function decorate(accountId: string, rows: VisibleResource[], contain: Contain, reads: AuditEvent[]) {
    const ids = rows.map((r) => r.id);
    const secrets = contain.secret
      ? new Map((await repo.secretsFor(ids, accountId)).map((s) => [s.resource_id, s]))
      : undefined;
    const permissions = contain.permissions
      ? groupBy(await repo.permissionsOf(ids), (p) => p.aco_foreign_key)
      : undefined;
    const wantedAccounts = new Set<string>();
    for (const r of rows) {
      if (contain.creator) wantedAccounts.add(r.created_by);
      if (contain.modifier) wantedAccounts.add(r.modified_by);
      if (contain.permissionsUser) for (const p of permissions?.get(r.id) ?? []) wantedAccounts.add(p.aro_foreign_key);
    }
    const accounts = wantedAccounts.size
      ? (await repo.accountsWithKeys([...wantedAccounts])).map((a) => ({
          id: a.account_id,
          user_id: a.user_id,
          created: a.account_created,
          modified: a.account_modified,
        }))
      : [];
    const users = await pc.usersOf(accounts);
    const groupIds = [...(permissions?.values() ?? [])].flat().filter((p) => p.aro === 'Group');
    const groups = contain.permissionsUser
      ? new Map((await repo.groupsById(groupIds.map((p) => p.aro_foreign_key))).map((g) => [g.id, groupJson(g)]))
      : new Map<string, ReturnType<typeof groupJson>>();
    const brief = (id: string) => {
      const account = accounts.find((a) => a.id === id);
      const user = users.get(id);
      return account && user ? briefUserJson(account, user) : null;
    };

    const out: Static<typeof ResourceWithContain>[] = [];
    const revealed: string[] = [];
    for (const r of rows) {
      const json: Static<typeof ResourceWithContain> = { ...resourceJson(r), personal: null };
      if (contain.permission) {
        json.permission = permissionJson({
          id: r.perm_id,
          aco: 'Resource',
          aco_foreign_key: r.id,
          aro: r.perm_aro,
          aro_foreign_key: r.perm_aro_foreign_key,
          type: r.perm_type,
          created: r.perm_created,
          modified: r.perm_modified,
        });
      }
      if (permissions) {
        const list = permissions.get(r.id) ?? [];
        json.permissions = list.map((p) =>
          contain.permissionsUser
            ? p.aro === 'Group'
              ? { ...permissionJson(p), user: null, group: groups.get(p.aro_foreign_key) ?? null }
              : { ...permissionJson(p), user: brief(p.aro_foreign_key), group: null }
            : permissionJson(p),
        );
        json.personal = list.length === 1 && list[0]!.aro === 'User';
      }
      if (secrets) {
        const s = secrets.get(r.id);
        json.secrets = s ? [secretJson(s, await pc.openSecret(s.id, s.data_ct))] : [];
        if (s) revealed.push(r.id);
      }
      if (contain.creator) json.creator = brief(r.created_by);
      if (contain.modifier) json.modifier = brief(r.modified_by);
      if (contain.resourceType) json.resource_type = resourceTypeById(r.resource_type_id) ?? null;
      out.push(json);
    }
    reads.push(
      ...readOfMany(
        {
          engine: ENGINE,
          action: PassboltAudit.secretRead,
          objectType: 'passbolt.resource',
          details: { via: 'resources.index' },
        },
        revealed,
      ),
    );
    return out;
  }

  /** A resource the caller can see, else 404 whether it exists or not (no existence leak). */
  async function visible(accountId: string | undefined, id: string): Promise<VisibleResource> {
    const row = accountId ? (await repo.visibleResources(accountId, { hasIds: [id] }))[0] : undefined;
    if (!row) throw notFoundError(MSG.resourceNotFound);
    return row;
  }

  return {
    visible,

    async list(caller: Caller, query: Record<string, unknown>, reads: AuditEvent[]) {
      const account = await pc.accountOf(caller);
      if (!account) return [];
      const { contain, filter } = parseListQuery(query);
      return decorate(account.id, await repo.visibleResources(account.id, filter), contain, reads);
    },

    async view(caller: Caller, id: string, query: Record<string, unknown>, reads: AuditEvent[]) {
      const resourceId = pc.checkUuid(id, MSG.resourceIdInvalid);
      const account = await pc.accountOf(caller);
      const row = await visible(account?.id, resourceId);
      // One row in, one out.
      return (await decorate(account!.id, [row], parseListQuery(query).contain, reads))[0]!;
    },

    /** GET /secrets/resource/{id}.json: the caller's own copy; one 404 for no resource, no access and no copy alike. */
    async secret(caller: Caller, id: string, reads: AuditEvent[]) {
      const resourceId = pc.checkUuid(id, MSG.resourceIdInvalid);
      const account = await pc.accountOf(caller);
      const s = account ? await repo.visibleSecret(resourceId, account.id) : undefined;
      if (!s) throw notFoundError(MSG.secretNotFound);
      const data = await pc.openSecret(s.id, s.data_ct);
      reads.push(readEvent(PassboltAudit.secretRead, 'passbolt.resource', resourceId, { secret_id: s.id }));
      return secretJson(s, data);
    },
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

export type ResourceReader = ReturnType<typeof createResourceReader>;
export type { PermissionRow, ResourceRow };
