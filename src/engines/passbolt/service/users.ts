import { HushError, nowIso, type AuditActor, type Caller } from '../../../core/ports.js';
import { MSG, notFoundError, validationError } from '../errors.js';
import { readPublicKey } from '../openpgp.js';
import type { AccountRow } from '../repo.js';
import { briefOf, gpgkeyJson, groupJson, permissionJson, userJson } from '../serializers.js';
import { groupArosMatching } from './groups-read.js';
import { PassboltAudit } from '../events.js';
import { audit, isUuid, type PassboltContext } from './context.js';
import { truthy } from './validate.js';

/**
 * Passbolt users are Hush users who registered an OpenPGP public key. Passbolt's own setup flow (invitation e-mail,
 * browser extension) is replaced by `POST /gpgkeys.json` for the caller's own key or `hush admin passbolt key-set`.
 */
/** ShareSearchController::LIMIT: the dialog shows the first matches only. */
const SEARCH_AROS_LIMIT = 25;

export function createUserService(pc: PassboltContext) {
  const { repo, ctx } = pc;

  async function usersJson(accountIds?: readonly string[]) {
    const rows = await repo.accountsWithKeys(accountIds);
    const accounts: AccountRow[] = rows.map((r) => ({
      id: r.account_id,
      user_id: r.user_id,
      created: r.account_created,
      modified: r.account_modified,
    }));
    const users = await pc.usersOf(accounts);
    return rows.flatMap((r, i) => {
      const user = users.get(r.account_id);
      return user && user.is_active === 1 ? [userJson(accounts[i]!, user, r)] : [];
    });
  }

  return {
    /** Sets `userId`'s key. Without `replace`, refuses when one is registered: copies made for the old key would no longer open. */
    async setKey(userId: number, armored: unknown, actor: AuditActor, options: { replace?: boolean } = {}) {
      const info = await readPublicKey(typeof armored === 'string' ? armored : '');
      if ('error' in info)
        throw validationError('Could not validate the OpenPGP key.', [
          { path: 'armored_key', rule: 'isValidOpenPGPPublicKey', message: info.error },
        ]);
      const now = nowIso();
      return repo.db.transaction().execute(async (trx) => {
        let account = await repo.accountByUserId(userId, trx);
        if (!account) {
          account = { id: pc.newId(), user_id: userId, created: now, modified: now };
          await repo.insertAccount(account, trx);
        }
        const existing = await repo.keyOf(account.id, trx);
        if (existing && !options.replace)
          throw new HushError(
            'conflict',
            'An OpenPGP key is already registered for this user; an administrator can replace it (hush admin passbolt key-set --replace).',
          );
        // A fingerprint names one user: GPGAuth finds the account by it (Passbolt's IsNotUserKeyFingerprintRule).
        const holders = await repo.keysByFingerprint(info.fingerprint, 2, trx);
        if (holders.some((k) => k.account_id !== account.id))
          throw new HushError('conflict', 'This OpenPGP key is already registered for another user.');
        if (existing) {
          await repo.deleteKey(account.id, trx);
          // Whoever logged in with the old key keeps no way in: its GPGAuth sessions, JWT refresh tokens and pending
          // login nonces end with it (a key is replaced because it was lost or leaked).
          await ctx.sessions.closeAllOf(userId, trx);
          await trx
            .updateTable('passbolt_auth_tokens')
            .set({ active: 0 })
            .where('account_id', '=', account.id)
            .where('type', 'in', ['refresh', 'login'])
            .execute();
        }
        const row = {
          id: pc.newId(),
          account_id: account.id,
          armored_key: info.armored,
          fingerprint: info.fingerprint,
          key_id: info.keyId,
          encryption_key_ids: JSON.stringify(info.keyIds),
          bits: info.bits,
          uid: info.uid.slice(0, 1024),
          type: info.type,
          expires: info.expires,
          key_created: info.keyCreated,
          created: now,
          modified: now,
        };
        await repo.insertKey(row, trx);
        await ctx.audit.appendWithin(trx, actor, [
          audit(existing ? PassboltAudit.gpgkeyReplace : PassboltAudit.gpgkeyCreate, 'passbolt.gpgkey', row.id, {
            fingerprint: row.fingerprint,
            user_id: account.id,
          }),
        ]);
        return { account, key: row };
      });
    },

    /** GET /users.json; `filter[has-access]=<resource>` lists who holds a resource (for re-encrypting its secret). */
    async list(caller: Caller, query: Record<string, unknown>) {
      const hasAccess = query['filter[has-access]'] ?? query['filter[has-access][]'];
      if (hasAccess !== undefined) {
        const resourceId = pc.checkUuid(Array.isArray(hasAccess) ? hasAccess[0] : hasAccess, MSG.resourceIdInvalid);
        const account = await pc.accountOf(caller);
        if (!account || !(await repo.permissionOf(resourceId, account.id))) return [];
        return usersJson((await repo.holdersOf([resourceId])).get(resourceId) ?? []);
      }
      const search = query['filter[search]'];
      const all = await usersJson();
      if (typeof search !== 'string' || !search) return all;
      const needle = search.toLowerCase();
      return all.filter((u) =>
        [u.username, u.profile.first_name, u.profile.last_name].some((s) => s.toLowerCase().includes(needle)),
      );
    },

    /** One account's user as Passbolt shows it (login answers), or undefined when gone or inactive. */
    ofAccount: async (accountId: string) => (await usersJson([accountId]))[0],
    /** Those of `accountIds` that are active users, as Passbolt shows them (group members). */
    ofAccounts: (accountIds: readonly string[]) => usersJson(accountIds),

    async view(caller: Caller, rawId: string) {
      if (rawId === 'me') {
        const account = await pc.accountOf(caller);
        const [json] = account ? await usersJson([account.id]) : [];
        if (!json) throw notFoundError(MSG.userNotFound);
        return json;
      }
      if (!isUuid(rawId))
        throw validationError(MSG.userIdInvalid, [{ path: 'id', rule: 'uuid', message: MSG.userIdInvalid }]);
      const [json] = await usersJson([rawId.toLowerCase()]);
      if (!json) throw notFoundError(MSG.userNotFound);
      return json;
    },

    listKeys: async () => (await repo.listKeys()).map(gpgkeyJson),

    async viewKey(rawId: string) {
      if (!isUuid(rawId))
        throw validationError('The OpenPGP key identifier should be a valid UUID.', [
          { path: 'id', rule: 'uuid', message: 'The OpenPGP key identifier should be a valid UUID.' },
        ]);
      const key = await repo.getKey(rawId.toLowerCase());
      if (!key) throw notFoundError(MSG.gpgkeyNotFound);
      return gpgkeyJson(key);
    },

    /**
     * GET /permissions/resource/{id}.json: who holds a resource the caller can see; `contain[user]` or
     * `contain[user.profile]` adds each holding user (with its profile), `contain[group]` each holding group.
     */
    async permissionsOf(caller: Caller, rawId: string, query: Record<string, unknown> = {}) {
      const resourceId = pc.checkUuid(rawId, MSG.resourceIdInvalid);
      const account = await pc.accountOf(caller);
      if (!account || !(await repo.permissionOf(resourceId, account.id)) || !(await repo.getResource(resourceId)))
        throw notFoundError(MSG.resourceNotFound);
      const permissions = (await repo.permissionsOf([resourceId])).map(permissionJson);
      const withUser = truthy(query['contain[user]']) || truthy(query['contain[user.profile]']);
      const withGroup = truthy(query['contain[group]']);
      if (!withUser && !withGroup) return permissions;
      const holders = withUser
        ? await usersJson(permissions.filter((p) => p.aro === 'User').map((p) => p.aro_foreign_key))
        : [];
      const groups = withGroup
        ? await repo.groupsById(permissions.filter((p) => p.aro === 'Group').map((p) => p.aro_foreign_key))
        : [];
      return permissions.map((p) => {
        const user = p.aro === 'User' ? holders.find((u) => u.id === p.aro_foreign_key) : undefined;
        const brief = user ? briefOf(user) : null;
        const group = p.aro === 'Group' ? groups.find((g) => g.id === p.aro_foreign_key) : undefined;
        return {
          ...p,
          ...(withUser ? { user: brief } : {}),
          ...(withGroup ? { group: group ? groupJson(group) : null } : {}),
        };
      });
    },

    /**
     * GET /share/search-aros.json (ShareSearchController): who the caller can share with, matching
     * `filter[search]` on username and names, active users with a key, at most 25, ordered by name as Passbolt does.
     */
    async searchAros(query: Record<string, unknown>) {
      const search = query['filter[search]'];
      const needle = typeof search === 'string' ? search.toLowerCase() : '';
      const users = (await usersJson())
        .filter((u) =>
          [u.username, u.profile.first_name, u.profile.last_name].some((t) => t.toLowerCase().includes(needle)),
        )
        .sort((a, b) => a.username.toLowerCase().localeCompare(b.username.toLowerCase()))
        .slice(0, SEARCH_AROS_LIMIT);
      const groups = (await groupArosMatching(pc, needle)).slice(0, SEARCH_AROS_LIMIT);
      // Users by username and groups by name, in one list (ShareSearchController::_formatResult).
      const sortKey = (a: { username?: string; name?: string }) => (a.username ?? a.name ?? '').toLowerCase();
      return [...users, ...groups].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
