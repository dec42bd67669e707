import {
  isUuid,
  newUuid,
  type AuditActor,
  type AuditEvent,
  type Caller,
  type EngineAuditEvent,
  type EngineContext,
  type UserRow,
} from '../../../core/ports.js';
import { badRequest, forbiddenError } from '../errors.js';
import { createPassboltRepo, type AccountRow } from '../repo.js';
import type { PassboltTables } from '../tables.js';

export { isUuid };

/** Permission types (passbolt_api src/Model/Entity/Permission.php). */
export const PermissionType = { read: 1, update: 7, owner: 15 } as const;
export const PERMISSION_TYPES: readonly number[] = [1, 7, 15];

export const ENGINE = 'passbolt';
/** The request's actor with no user: what a caller is until it has proved an identity (a login refused). */
export const anonymous = (actor: AuditActor): AuditActor => ({ ...actor, userId: null, username: null, tokenId: null });

/** A change's audit event; the engine's audit port stamps the engine's name. */
export const audit = (
  action: string,
  objectType: string,
  objectId: string,
  details?: Record<string, unknown>,
): EngineAuditEvent => ({
  action,
  objectType,
  objectId,
  ...(details ? { details } : {}),
});
/** A read's audit event: reads reach the log through the core's plaintext hook, so they name the engine themselves. */
export const readEvent = (
  action: string,
  objectType: string,
  objectId: string,
  details?: Record<string, unknown>,
): AuditEvent => ({ engine: ENGINE, ...audit(action, objectType, objectId, details) });

export const NO_KEY = 'Register your OpenPGP public key first (POST /gpgkeys.json, or `hush admin passbolt key-set`).';

/** What every Passbolt service shares: the repo, the sealing of secret copies, and callers → accounts. */
export function createPassboltContext(ctx: EngineContext<PassboltTables>) {
  const repo = createPassboltRepo(ctx.store());
  const secretCipher = ctx.keyring.cipher('passbolt_secrets');

  /** The core users behind accounts, keyed by account id; accounts whose user is gone are left out. */
  async function usersOf(accounts: readonly AccountRow[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    for (const a of accounts) {
      const user = await ctx.users.get(a.user_id).catch(() => undefined);
      if (user) out.set(a.id, user);
    }
    return out;
  }

  return {
    ctx,
    repo,
    sealSecret: (id: string, data: string) => secretCipher.seal(data, { row: id, column: 'data' }),
    openSecret: (id: string, ct: string) => secretCipher.openText(ct, { row: id, column: 'data' }),

    accountOf: (caller: Caller) => repo.accountByUserId(caller.user.id),

    /** The caller's Passbolt account; a user who never registered a key cannot hold secrets, so is refused. */
    async requireAccount(caller: Caller): Promise<AccountRow> {
      const account = await repo.accountByUserId(caller.user.id);
      if (!account || !(await repo.keyOf(account.id))) throw forbiddenError(NO_KEY);
      return account;
    },

    usersOf,

    /** Those of `accountIds` whose core user exists and is active (read outside any transaction: it is the core's table). */
    async activeAccountIds(accountIds: readonly string[]): Promise<string[]> {
      const accounts = (await repo.accountsWithKeys(accountIds)).map((a) => ({
        id: a.account_id,
        user_id: a.user_id,
        created: a.account_created,
        modified: a.account_modified,
      }));
      const users = await usersOf(accounts);
      return accounts.filter((a) => users.get(a.id)?.is_active === 1).map((a) => a.id);
    },

    checkUuid(value: unknown, message: string): string {
      if (!isUuid(value)) throw badRequest(message);
      return value.toLowerCase();
    },

    newId: newUuid,
  };
}

export type PassboltContext = ReturnType<typeof createPassboltContext>;
