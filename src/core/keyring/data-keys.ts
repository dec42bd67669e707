import type { Transaction } from 'kysely';
import type { AuditEvent } from '../audit/log.js';
import { nowIso } from '../ids.js';
import { sealBytes } from './aead.js';
import type { RootKey } from './root-key.js';
import type { KeyringTables } from './tables.js';
import type { AnyTables, Db } from '../store/tx.js';

/** Writes the audit entry of a key change inside the change's own transaction (see `audit.appendWithin`). */
export type KeyChangeRecorder = (trx: Transaction<AnyTables>, event: AuditEvent) => Promise<void>;

/** Associated data of a wrapped data key: the wrap is bound to its row. */
export const wrapAad = (dataKeyId: number) => `data-key|${dataKeyId}`;

/**
 * The root keys the stored data keys are wrapped by, as the database says. Every key change keeps this to one id
 * (a rotation re-wraps all rows in one transaction; a new data key is wrapped by the key the others use), so two
 * ids mean data written by a release without that rule.
 */
export async function storedRootKeyIds(db: Db<KeyringTables>): Promise<string[]> {
  const rows = await db.selectFrom('core_data_keys').select('root_key_id').distinct().orderBy('root_key_id').execute();
  return rows.map((r) => r.root_key_id);
}

/** Inserts `key` as the active data key, wrapped by `root`, inside `trx` (which holds the keyring lock). */
export async function insertDataKey(trx: Transaction<KeyringTables>, root: RootKey, key: Buffer): Promise<number> {
  await trx.updateTable('core_data_keys').set({ state: 'retired' }).where('state', '=', 'active').execute();
  const inserted = await trx
    .insertInto('core_data_keys')
    .values({ wrapped_key: 'pending', root_key_id: root.id, state: 'active', created: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The wrap is bound to the row id, so it is sealed after the insert, inside the same transaction.
  const wrapped = sealBytes(root.key, root.id, key, wrapAad(inserted.id));
  await trx.updateTable('core_data_keys').set({ wrapped_key: wrapped }).where('id', '=', inserted.id).execute();
  return inserted.id;
}
