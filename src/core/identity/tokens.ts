import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { HushError, invalid, notFound, unauthenticated } from '../errors.js';
import { nowIso, type TokenId, type UserId } from '../ids.js';
import { isUniqueViolation, type Page } from '../store/constraint.js';
import { isStoreFault, StoreFaultReason } from '../store/faults.js';
import { and, type Query } from '../store/filterset.js';
import { literalCount } from '../store/page-sql.js';
import { preparedQuery } from '../store/prepared.js';
import type { Db } from '../store/tx.js';
import { tokenConditions, tokenOrdering } from './list-filters.js';
import { requireTokenWrite, type Authority } from './authority.js';
import type { Caller } from './caller.js';
import type { Permissions } from './permissions.js';
import { digestsEqual, hashTokenKey, newTokenKey } from './secrets.js';
import type { IdentityTables, TokenTable } from './tables.js';

export type TokenRow = Selectable<TokenTable>;

export interface NewToken {
  userId: UserId;
  /** A caller-chosen key (bootstrap automation); otherwise a random one is made. */
  key?: string | undefined;
  description?: string | undefined;
  expires?: string | null | undefined;
  writeEnabled?: boolean | undefined;
  /** Confine the token to one engine's routes (an engine that narrows it to part of its own data). */
  engine?: string | null | undefined;
}

export interface TokenPatch {
  description?: string | undefined;
  expires?: string | null | undefined;
  writeEnabled?: boolean | undefined;
  enabled?: boolean | undefined;
}

/** Rejects an expiry in the past: a token born (or set) expired is always a mistake, whichever API asked for it. */
function checkExpiry(expires: string | null | undefined): void {
  if (expires && Date.parse(expires) <= Date.now()) throw invalid('expires', 'must be in the future');
}

// last_used is a hint for people, not an audit record: writing it on every request would serialise SQLite readers.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Stable reasons engines map to their own wording (NetBox "Invalid token", Phase's messages…). */
export const TokenFailure = {
  invalid: 'token_invalid',
  expired: 'token_expired',
  disabled: 'token_disabled',
  userInactive: 'user_inactive',
} as const;

export function createTokens(deps: { db: Kysely<IdentityTables>; permissions: Pick<Permissions, 'can'> }) {
  const { db, permissions } = deps;

  async function get(id: number, trx: Db<IdentityTables> = db): Promise<TokenRow> {
    const row = await trx.selectFrom('core_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Token');
    return row;
  }

  // Every authenticated request runs this one: compiled once (prepared.ts).
  const callerByDigest = preparedQuery(db, 1, (q, digest: string) =>
    q
      .selectFrom('core_tokens')
      .innerJoin('core_users', 'core_users.id', 'core_tokens.user_id')
      .select([
        'core_tokens.id as token_id',
        'core_tokens.key_hash',
        'core_tokens.expires',
        'core_tokens.enabled',
        'core_tokens.write_enabled',
        'core_tokens.last_used',
        'core_tokens.engine',
        'core_users.id as user_id',
        'core_users.username',
        'core_users.kind',
        'core_users.is_superuser',
        'core_users.is_active',
      ])
      .where('core_tokens.key_hash', '=', digest),
  );

  const owner = (userId: number, trx: Db<IdentityTables>) => async () => {
    const row = await trx
      .selectFrom('core_users')
      .select(['username', 'is_superuser'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) throw notFound('User');
    return row;
  };

  /** Who may make or manage a token of that user (authority.ts). */
  const requireWrite = (
    by: Authority,
    action: 'add' | 'change' | 'delete',
    userId: number,
    trx: Db<IdentityTables>,
    tokenId?: number,
  ) =>
    requireTokenWrite(
      (c, a, t, id) => permissions.can(c, a, t, id, trx),
      by,
      action,
      userId,
      owner(userId, trx),
      tokenId,
    );

  return {
    get,

    /** Returns the row and the key; the key is never stored or retrievable again. `by` asks for it. */
    async create(
      by: Authority,
      input: NewToken,
      trx: Db<IdentityTables> = db,
    ): Promise<{ row: TokenRow; key: string }> {
      checkExpiry(input.expires);
      await requireWrite(by, 'add', input.userId, trx);
      await owner(input.userId, trx)();
      const key = input.key ?? newTokenKey();
      try {
        const row = await trx
          .insertInto('core_tokens')
          .values({
            user_id: input.userId,
            key_hash: hashTokenKey(key),
            key_hint: key.slice(-4),
            description: input.description ?? '',
            created: nowIso(),
            expires: input.expires ?? null,
            last_used: null,
            write_enabled: input.writeEnabled === false ? 0 : 1,
            engine: input.engine ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { row, key };
      } catch (e) {
        if (isUniqueViolation(e))
          throw new HushError('conflict', 'This token key is already in use.', {
            problems: [{ field: 'key', message: 'already in use' }],
          });
        throw e;
      }
    },

    /**
     * A page of tokens matching NetBox's TokenFilterSet parameters (list-filters.ts); `userId` narrows it to one
     * owner's tokens whatever the query says (the caller's own, without a `users.token` view grant).
     */
    async list(
      page: Page,
      filter: { userId?: number | undefined; query?: Query } = {},
    ): Promise<{ count: number; rows: TokenRow[] }> {
      const query = filter.query ?? {};
      const conditions = await tokenConditions(db, query);
      if (filter.userId !== undefined) conditions.push(sql<SqlBool>`core_tokens.user_id = ${filter.userId}`);
      const where = and(conditions);
      const q = where ? db.selectFrom('core_tokens').where(where) : db.selectFrom('core_tokens');
      let ordered = q.selectAll();
      for (const o of tokenOrdering(query)) ordered = ordered.orderBy(sql.ref(o.column), o.desc ? 'desc' : 'asc');
      const [{ n }, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ordered.orderBy('id').limit(literalCount(page.limit)).offset(literalCount(page.offset)).execute(),
      ]);
      return { count: Number(n), rows };
    },

    async update(by: Authority, id: TokenId, patch: TokenPatch, trx: Db<IdentityTables>): Promise<TokenRow> {
      checkExpiry(patch.expires);
      await requireWrite(by, 'change', (await get(id, trx)).user_id, trx, id);
      const set: { description?: string; expires?: string | null; write_enabled?: number; enabled?: number } = {};
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.expires !== undefined) set.expires = patch.expires;
      if (patch.writeEnabled !== undefined) set.write_enabled = patch.writeEnabled ? 1 : 0;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (Object.keys(set).length) await trx.updateTable('core_tokens').set(set).where('id', '=', id).execute();
      return get(id, trx);
    },

    async revoke(by: Authority, id: TokenId, trx: Db<IdentityTables>): Promise<TokenRow> {
      const row = await get(id, trx);
      await requireWrite(by, 'delete', row.user_id, trx, id);
      await trx.deleteFrom('core_tokens').where('id', '=', id).execute();
      return row;
    },

    /**
     * Resolves a presented key to a caller, or throws `unauthenticated` with a reason from TokenFailure.
     * The lookup is by digest; the digest is then compared in constant time as a second line of defence.
     */
    async authenticate(key: string): Promise<Caller> {
      const digest = hashTokenKey(key);
      const row = (await callerByDigest(db, digest)).rows[0];
      if (!row || !digestsEqual(row.key_hash, digest)) throw unauthenticated('Invalid token', TokenFailure.invalid);
      const now = Date.now();
      if (row.expires !== null && Date.parse(row.expires) <= now)
        throw unauthenticated('Token expired', TokenFailure.expired);
      if (row.enabled !== 1) throw unauthenticated('Token disabled', TokenFailure.disabled);
      if (row.is_active !== 1) throw unauthenticated('User inactive', TokenFailure.userInactive);
      if (row.last_used === null || now - Date.parse(row.last_used) > LAST_USED_RESOLUTION_MS) {
        // A hint only: a full disk must not turn away a request that only reads.
        await db
          .updateTable('core_tokens')
          .set({ last_used: new Date(now).toISOString() })
          .where('id', '=', row.token_id)
          .execute()
          .catch((e: unknown) => {
            if (!isStoreFault(e, StoreFaultReason.storageFull)) throw e;
          });
      }
      return {
        user: {
          id: row.user_id as UserId,
          username: row.username,
          kind: row.kind,
          isSuperuser: row.is_superuser === 1,
        },
        tokenId: row.token_id as TokenId,
        sessionId: null,
        writeEnabled: row.write_enabled === 1,
        tokenEngine: row.engine,
      };
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
