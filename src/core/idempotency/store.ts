import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { nowIso } from '../ids.js';
import type { FieldCipher } from '../keyring/keyring.js';
import type { IdempotencyTables } from './tables.js';
import type { AnyDb, Db } from '../store/tx.js';

/** How long an applied key is remembered: clients retry within seconds; a day also covers a retry after a laptop slept. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A request's Idempotency-Key, checked and not yet used: the handler saves it in the transaction of its change. */
export interface IdempotencyClaim {
  readonly userId: number;
  readonly key: string;
  /** Hex SHA-256 of method, URL and body (`requestDigest`). */
  readonly digest: string;
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** What makes two requests "the same request" for a key: method, path with query, and the parsed body. */
export function requestDigest(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(body === undefined ? '' : JSON.stringify(body))
    .digest('hex');
}

const keyInUse = () =>
  new HushError(
    'conflict',
    'Another request with this Idempotency-Key was applied at the same time; this one stored nothing. Send it again to get that answer.',
    {
      reason: 'idempotency_key_in_use',
    },
  );

/**
 * Idempotency keys (the IETF `Idempotency-Key` header): a change that carries one stores its answer in the change's own
 * transaction, so a client that lost the answer (a dropped connection after the commit) sends the same request again
 * and gets the stored answer instead of a second change. Only answers without plaintext are stored (the HTTP layer
 * refuses routes that declare both), and even those are sealed.
 */
export function createIdempotency(deps: { db: Kysely<IdempotencyTables>; cipher: FieldCipher }) {
  const { db, cipher } = deps;
  const address = (claim: Pick<IdempotencyClaim, 'userId' | 'key'>, column: string) => ({
    row: `${claim.userId}:${claim.key}`,
    column,
  });
  const cutoff = () => new Date(Date.now() - IDEMPOTENCY_TTL_MS).toISOString();

  return {
    /** The answer stored for this caller's key within the last day; 'mismatch' when the key came with another request. */
    async lookup(claim: IdempotencyClaim): Promise<StoredAnswer | 'mismatch' | undefined> {
      const row = await db
        .selectFrom('core_idempotency_keys')
        .selectAll()
        .where('user_id', '=', claim.userId)
        .where('idem_key', '=', claim.key)
        .where('created_at', '>=', cutoff())
        .executeTakeFirst();
      if (!row) return undefined;
      const stored = Buffer.from(await cipher.openText(row.request_digest, address(claim, 'request_digest')), 'hex');
      const given = Buffer.from(claim.digest, 'hex');
      if (stored.length !== given.length || !timingSafeEqual(stored, given)) return 'mismatch';
      return {
        status: row.status,
        body: JSON.parse(await cipher.openText(row.answer, address(claim, 'answer'))) as unknown,
      };
    },

    /**
     * Seals the answer now (no crypto inside a transaction) and returns the step that stores it inside the change's
     * transaction. That step fails with a 409 when a concurrent twin of the request stored the key first, which rolls
     * this change back: the change is applied once.
     */
    async prepare(claim: IdempotencyClaim, status: number, body: unknown): Promise<(trx: AnyDb) => Promise<void>> {
      const [digestCt, answerCt] = await Promise.all([
        cipher.seal(claim.digest, address(claim, 'request_digest')),
        cipher.seal(JSON.stringify(body), address(claim, 'answer')),
      ]);
      return async (trx) => {
        const t = trx as Db<IdempotencyTables>;
        await t
          .deleteFrom('core_idempotency_keys')
          .where('user_id', '=', claim.userId)
          .where('idem_key', '=', claim.key)
          .where('created_at', '<', cutoff())
          .execute();
        const inserted = await t
          .insertInto('core_idempotency_keys')
          .values({
            user_id: claim.userId,
            idem_key: claim.key,
            request_digest: digestCt,
            status,
            answer: answerCt,
            created_at: nowIso(),
          })
          .onConflict((oc) => oc.columns(['user_id', 'idem_key']).doNothing())
          .executeTakeFirst();
        if (!inserted.numInsertedOrUpdatedRows) throw keyInUse();
      };
    },

    /** Forgets keys older than a day; runs on its own, outside any change's transaction. */
    async purgeExpired(): Promise<void> {
      await db.deleteFrom('core_idempotency_keys').where('created_at', '<', cutoff()).execute();
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
