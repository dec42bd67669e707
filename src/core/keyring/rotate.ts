import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { LockName } from '../names.js';
import { withLock } from '../store/tx.js';
import { KEY_BYTES, openBytes, parseEnvelope, sealBytes } from './aead.js';
import { loadRootKeys, nextKeyFile, writeKeyFile, type RootKeySource } from './root-key.js';
import type { KeyringTables } from './tables.js';

export interface RotationResult {
  previousRootKeyId: string;
  rootKeyId: string;
  dataKeysRewrapped: number;
}

/**
 * Replaces the root key without touching any secret: only the data keys are re-wrapped. The order makes every
 * crash point recoverable: (1) the new key is written to `<file>.next`; (2) one transaction re-wraps every data
 * key; (3) `<file>.next` is renamed over `<file>`. Between (2) and (3) both files exist and the keyring loads
 * both, so a running server keeps working and a restart finds whichever key each row names.
 */
export async function rotateRootKey(db: Kysely<KeyringTables>, source: RootKeySource): Promise<RotationResult> {
  if (source.inline) {
    throw new HushError('invalid', 'The root key comes from HUSH_ROOT_KEY; rotate it by re-wrapping with a key file instead (unset HUSH_ROOT_KEY and use HUSH_ROOT_KEY_FILE).');
  }
  const nextFile = nextKeyFile(source);
  writeKeyFile(nextFile, randomBytes(KEY_BYTES)); // an interrupted rotation's file is reused as is
  const keys = loadRootKeys(source, false);
  const next = keys.all.find((k) => k.id !== keys.current.id);
  if (!next) throw new HushError('internal', 'The new root key equals the current one.');
  const byId = new Map(keys.all.map((k) => [k.id, k]));

  const count = await withLock(db, LockName.keyring, async (trx) => {
    const rows = await trx.selectFrom('core_data_keys').selectAll().execute();
    for (const row of rows) {
      const root = byId.get(row.root_key_id);
      if (!root) throw new HushError('unavailable', `Data key ${row.id} is wrapped by unknown root key ${row.root_key_id}.`);
      const aad = `data-key|${row.id}`;
      const key = openBytes(root.key, parseEnvelope(row.wrapped_key), aad);
      const wrapped = sealBytes(next.key, next.id, key, aad);
      await trx.updateTable('core_data_keys').set({ wrapped_key: wrapped, root_key_id: next.id }).where('id', '=', row.id).execute();
    }
    return rows.length;
  });

  fs.renameSync(nextFile, source.file);
  const dir = fs.openSync(path.dirname(source.file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  return { previousRootKeyId: keys.current.id, rootKeyId: next.id, dataKeysRewrapped: count };
}
