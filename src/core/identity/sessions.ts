import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { unauthenticated } from '../errors.js';
import { nowIso, type UserId } from '../ids.js';
import type { Db } from '../store/tx.js';
import type { Caller } from './caller.js';
import { digestsEqual, hashTokenKey } from './secrets.js';
import type { IdentityTables } from './tables.js';

/**
 * Cookie sessions for the browser UI. The cookie holds a random secret (stored hashed, like tokens); unsafe requests
 * must also echo the session's CSRF token in a header, which another site's form cannot read or send.
 */
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export function createSessions(deps: { db: Kysely<IdentityTables> }) {
  const { db } = deps;
  return {
    /** `engine`: the engine whose login opens it (its sessions answer only there); null for the core's login. */
    async open(
      userId: UserId,
      trx: Db<IdentityTables> = db,
      engine: string | null = null,
    ): Promise<{ secret: string; csrfToken: string; expires: string }> {
      const secret = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expires = new Date(Date.now() + SESSION_TTL_MS).toISOString();
      await trx
        .insertInto('core_sessions')
        .values({
          user_id: userId,
          secret_hash: hashTokenKey(secret),
          csrf_hash: hashTokenKey(csrfToken),
          created: nowIso(),
          expires,
          engine,
        })
        .execute();
      return { secret, csrfToken, expires };
    },

    /**
     * Resolves a cookie to a caller; `csrfToken` is required (and checked) for unsafe methods. `engine` is where the
     * cookie was presented: a session opened by another engine's login (or by the core's) is no session there.
     */
    async authenticate(
      secret: string,
      csrfToken: string | undefined,
      unsafe: boolean,
      engine: string | null = null,
    ): Promise<Caller> {
      const row = await db
        .selectFrom('core_sessions')
        .innerJoin('core_users', 'core_users.id', 'core_sessions.user_id')
        .select([
          'core_sessions.id as session_id',
          'core_sessions.csrf_hash',
          'core_sessions.expires',
          'core_sessions.engine',
          'core_users.id as user_id',
          'core_users.username',
          'core_users.kind',
          'core_users.is_superuser',
          'core_users.is_active',
        ])
        .where('core_sessions.secret_hash', '=', hashTokenKey(secret))
        .executeTakeFirst();
      if (!row || Date.parse(row.expires) <= Date.now() || (row.engine ?? null) !== engine)
        throw unauthenticated('Session expired or invalid; log in again.', 'session_invalid');
      if (row.is_active !== 1) throw unauthenticated('User inactive', 'user_inactive');
      if (unsafe && (!csrfToken || !digestsEqual(row.csrf_hash, hashTokenKey(csrfToken)))) {
        throw unauthenticated(
          'CSRF token missing or wrong: send the X-CSRF-Token header you received at login.',
          'csrf_failed',
        );
      }
      return {
        user: {
          id: row.user_id as UserId,
          username: row.username,
          kind: row.kind,
          isSuperuser: row.is_superuser === 1,
        },
        tokenId: null,
        sessionId: row.session_id,
        writeEnabled: true,
      };
    },

    async close(sessionId: number, trx: Db<IdentityTables> = db): Promise<void> {
      await trx.deleteFrom('core_sessions').where('id', '=', sessionId).execute();
    },

    /** Closes every session of `userId` but `keep` (the one asking, if any); returns how many were closed. */
    async closeOthers(userId: UserId, keep: number | null, trx: Db<IdentityTables> = db): Promise<number> {
      let q = trx.deleteFrom('core_sessions').where('user_id', '=', userId);
      if (keep !== null) q = q.where('id', '!=', keep);
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Closes every session `engine`'s login opened for `userId` (its credentials changed); returns how many. */
    async closeEngineSessions(userId: UserId, engine: string, trx: Db<IdentityTables> = db): Promise<number> {
      const result = await trx
        .deleteFrom('core_sessions')
        .where('user_id', '=', userId)
        .where('engine', '=', engine)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Expired sessions are useless; removing them keeps the table small. */
    async purgeExpired(trx: Db<IdentityTables> = db): Promise<void> {
      await trx.deleteFrom('core_sessions').where('expires', '<=', nowIso()).execute();
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
