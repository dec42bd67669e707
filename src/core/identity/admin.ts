import type { AuditActor } from '../audit/log.js';
import { invalid, notFound } from '../errors.js';
import type { Authority } from './authority.js';
import type { PermissionInput } from './permissions.js';
import type { NewToken, TokenPatch } from './tokens.js';
import type { NewUser, UserPatch } from './users.js';
import type { PermissionId, TokenId, UserId } from '../ids.js';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/log.js';
import type { IdentityTables } from './tables.js';
import type { Permissions } from './permissions.js';
import type { Sessions } from './sessions.js';
import type { Tokens } from './tokens.js';
import type { Users } from './users.js';
import { AuditAction } from '../names.js';

const ENGINE = 'admin';

/**
 * Identity changes made through the admin API or `hush admin`, each in one transaction with its audit entry.
 * Slow work (password hashing) happens before the transaction opens. `by` is who asks (the API's caller, or the
 * operator for `hush admin`): the core's identity stores refuse what it may not do (core/identity/authority.ts).
 */
export function createIdentityAdmin(deps: {
  db: Kysely<IdentityTables>;
  users: Users;
  tokens: Tokens;
  permissions: Permissions;
  sessions: Sessions;
  audit: Pick<AuditLog, 'appendWithin'>;
}) {
  const { db, users, tokens, permissions, sessions, audit } = deps;

  /** Refuses a change that would leave the instance without an active superuser (nobody could administer it). */
  async function keepOneSuperuser(trx: Parameters<typeof users.get>[1], id: UserId): Promise<void> {
    const remaining = await trx!
      .selectFrom('core_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('is_superuser', '=', 1)
      .where('is_active', '=', 1)
      .where('id', '!=', id)
      .executeTakeFirstOrThrow();
    if (Number(remaining.n) === 0)
      throw invalid('id', 'This is the last active superuser; make another user a superuser first.');
  }

  async function checkUsersExist(ids: number[]): Promise<void> {
    for (const id of ids) {
      const found = await db.selectFrom('core_users').select('id').where('id', '=', id).executeTakeFirst();
      if (!found) throw invalid('users', `Related object not found using the provided numeric ID: ${id}`);
    }
  }

  return {
    async createUser(by: Authority, actor: AuditActor, input: NewUser) {
      const insert = await users.prepare(by, input);
      return db.transaction().execute(async (trx) => {
        const row = await insert(trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.userCreate,
            objectType: 'users.user',
            objectId: row.id,
            details: { username: row.username },
          },
        ]);
        return row;
      });
    },

    async updateUser(by: Authority, actor: AuditActor, id: UserId, patch: UserPatch) {
      const update = await users.prepareUpdate(by, id, patch);
      return db.transaction().execute(async (trx) => {
        const before = await users.get(id, trx);
        // After the write, so that a caller who may not change this account hears that first.
        const row = await update(trx);
        if (before.is_superuser === 1 && (patch.isSuperuser === false || patch.isActive === false))
          await keepOneSuperuser(trx, id);
        const changed = Object.keys(patch).map((k) => (k === 'password' ? 'password (changed)' : k));
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.userUpdate,
            objectType: 'users.user',
            objectId: id,
            details: { fields: changed },
          },
        ]);
        return row;
      });
    },

    deleteUser: (by: Authority, actor: AuditActor, id: UserId) =>
      db.transaction().execute(async (trx) => {
        if (actor.userId === id) throw invalid('id', 'You cannot delete your own account.');
        const row = await users.remove(by, id, trx);
        if (row.is_superuser === 1) await keepOneSuperuser(trx, id);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.userDelete,
            objectType: 'users.user',
            objectId: id,
            details: { username: row.username },
          },
        ]);
      }),

    async createToken(by: Authority, actor: AuditActor, input: NewToken, action: string = AuditAction.tokenCreate) {
      return db.transaction().execute(async (trx) => {
        const created = await tokens.create(by, input, trx);
        const owner = await users.get(input.userId, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action,
            objectType: 'users.token',
            objectId: created.row.id,
            details: { user_id: owner.id, write_enabled: input.writeEnabled !== false },
          },
        ]);
        return { ...created, owner };
      });
    },

    updateToken: (by: Authority, actor: AuditActor, id: TokenId, patch: TokenPatch) => {
      return db.transaction().execute(async (trx) => {
        const row = await tokens.update(by, id, patch, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.tokenUpdate,
            objectType: 'users.token',
            objectId: id,
            details: { fields: Object.keys(patch) },
          },
        ]);
        return { row, owner: await users.get(row.user_id, trx) };
      });
    },

    revokeToken: (by: Authority, actor: AuditActor, id: TokenId) =>
      db.transaction().execute(async (trx) => {
        const row = await tokens.revoke(by, id, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.tokenRevoke,
            objectType: 'users.token',
            objectId: id,
            details: { user_id: row.user_id },
          },
        ]);
        return row;
      }),

    async createPermission(by: Authority, actor: AuditActor, input: PermissionInput) {
      await checkUsersExist(input.userIds);
      return db.transaction().execute(async (trx) => {
        const record = await permissions.create(by, input, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.permissionCreate,
            objectType: 'users.objectpermission',
            objectId: record.id,
            details: {
              name: record.name,
              object_types: record.objectTypes,
              actions: record.actions,
              users: record.userIds,
            },
          },
        ]);
        return record;
      });
    },

    async updatePermission(by: Authority, actor: AuditActor, id: PermissionId, patch: Partial<PermissionInput>) {
      if (patch.userIds) await checkUsersExist(patch.userIds);
      return db.transaction().execute(async (trx) => {
        const record = await permissions.update(by, id, patch, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.permissionUpdate,
            objectType: 'users.objectpermission',
            objectId: id,
            details: { object_types: record.objectTypes, actions: record.actions, users: record.userIds },
          },
        ]);
        return record;
      });
    },

    deletePermission: (by: Authority, actor: AuditActor, id: PermissionId) =>
      db.transaction().execute(async (trx) => {
        const record = await permissions.remove(by, id, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.permissionDelete,
            objectType: 'users.objectpermission',
            objectId: id,
            details: { name: record.name },
          },
        ]);
      }),

    /** A browser session for `user`, whose password the caller checked; `actor` names the user logging in. */
    openSession: (actor: AuditActor, user: { id: UserId }) =>
      db.transaction().execute(async (trx) => {
        await sessions.purgeExpired(trx);
        const session = await sessions.open(user.id, trx);
        await users.touchLogin(user.id, trx);
        await audit.appendWithin(trx, actor, [
          { engine: ENGINE, action: AuditAction.sessionLogin, objectType: 'users.user', objectId: user.id },
        ]);
        return session;
      }),

    closeSession: (actor: AuditActor, sessionId: number, userId: UserId) =>
      db.transaction().execute(async (trx) => {
        await sessions.close(sessionId, trx);
        await audit.appendWithin(trx, actor, [
          { engine: ENGINE, action: AuditAction.sessionLogout, objectType: 'users.user', objectId: userId },
        ]);
      }),

    /**
     * A signed-in user changes its own password: `current` must be its password now (a stolen session alone cannot
     * lock the owner out), and every other session of the user is closed in the same transaction, so whoever else
     * was signed in with the old password is signed out. Tokens stay: they do not depend on the password.
     */
    async changeOwnPassword(
      actor: AuditActor,
      caller: { user: { id: UserId; username: string }; sessionId: number | null },
      current: string,
      next: string,
    ) {
      const row = await users.checkPassword(caller.user.username, current);
      if (!row || row.id !== caller.user.id) throw invalid('current_password', 'is not your current password');
      if (current === next) throw invalid('new_password', 'must differ from the current password');
      const write = await users.prepareOwnPassword(caller.user.id, next);
      return db.transaction().execute(async (trx) => {
        await write(trx);
        const closed = await sessions.closeOthers(caller.user.id, caller.sessionId, trx);
        await audit.appendWithin(trx, actor, [
          {
            engine: ENGINE,
            action: AuditAction.userUpdate,
            objectType: 'users.user',
            objectId: caller.user.id,
            details: { fields: ['password (changed)'], own: true, sessions_closed: closed },
          },
        ]);
        return { sessionsClosed: closed };
      });
    },

    /** Nested users for a permission's `users` field, in one query. */
    async usersByIds(ids: number[]) {
      if (!ids.length) return [];
      return db.selectFrom('core_users').select(['id', 'username']).where('id', 'in', ids).orderBy('id').execute();
    },

    async userOrNotFound(id: number) {
      const row = await db.selectFrom('core_users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('User');
      return row;
    },
  };
}
