import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { HushError } from '../errors.js';
import { AuditAction, LockName } from '../names.js';
import { withLock } from '../store/tx.js';
import { KEY_BYTES, openBytes, parseEnvelope, sealBytes } from './aead.js';
import { storedRootKeyIds, wrapAad, type KeyChangeRecorder } from './data-keys.js';
import { missingRootKey } from './problems.js';
import {
  nextKeyFile,
  readRootKeys,
  removeStaleTempFiles,
  syncDir,
  writeKeyFile,
  type RootKey,
  type RootKeyFiles,
  type RootKeySource,
} from './root-key.js';
import type { KeyringTables } from './tables.js';

export interface RotationResult {
  /**
   * `rotated`: this call re-wrapped the data keys under a new key; `finished`: an interrupted rotation had already
   * re-wrapped them and this call only put its key file in place; `undone`: back under the current key file.
   */
  outcome: 'rotated' | 'finished' | 'undone';
  previousRootKeyId: string;
  rootKeyId: string;
  dataKeysRewrapped: number;
}

interface Plan {
  outcome: RotationResult['outcome'];
  from: RootKey;
  to: RootKey;
  count: number;
}

/** Re-wraps every data key not yet under `target`, inside `trx`. A key wrapped by a root key no file holds stops it. */
async function rewrapAll(
  trx: Transaction<KeyringTables>,
  source: RootKeySource,
  files: RootKeyFiles,
  target: RootKey,
): Promise<number> {
  const byId = new Map([files.current, files.next].filter((k): k is RootKey => k !== undefined).map((k) => [k.id, k]));
  const rows = await trx.selectFrom('core_data_keys').selectAll().where('root_key_id', '!=', target.id).execute();
  for (const row of rows) {
    const root = byId.get(row.root_key_id);
    if (!root) {
      throw new HushError(
        'unavailable',
        `Data key ${row.id} is wrapped by root key ${row.root_key_id}, which neither ${source.file} nor ${nextKeyFile(source)} holds; nothing was changed.`,
      );
    }
    const key = openBytes(root.key, parseEnvelope(row.wrapped_key), wrapAad(row.id));
    const wrapped = sealBytes(target.key, target.id, key, wrapAad(row.id));
    await trx
      .updateTable('core_data_keys')
      .set({ wrapped_key: wrapped, root_key_id: target.id })
      .where('id', '=', row.id)
      .execute();
  }
  return rows.length;
}

/** Steps (1) and (2): under the keyring lock, write `<file>.next` if needed and re-wrap, with the audit entry. */
async function planAndRewrap(
  trx: Transaction<KeyringTables>,
  source: RootKeySource,
  undo: boolean,
  record: KeyChangeRecorder | undefined,
): Promise<Plan> {
  removeStaleTempFiles(source);
  let files = readRootKeys(source);
  const current = files.current;
  if (!current) throw missingRootKey(source, await storedRootKeyIds(trx), 'in use');
  if (undo) {
    const next = files.next;
    if (!next) throw new HushError('invalid', `No root-key rotation to undo: ${nextKeyFile(source)} does not exist.`);
    const count = await rewrapAll(trx, source, files, current);
    await record?.(trx, {
      engine: 'core',
      action: AuditAction.rootKeyRotate,
      details: { from: next.id, to: current.id, data_keys: count, undo: true },
    });
    return { outcome: 'undone', from: next, to: current, count };
  }
  const stored = await storedRootKeyIds(trx);
  if (files.next && stored.length && stored.every((id) => id === files.next!.id)) {
    // Committed earlier (with its audit entry); only the file was not moved yet.
    return { outcome: 'finished', from: current, to: files.next, count: 0 };
  }
  // An unfinished rotation's key is reused: data keys may not use it yet, but nothing else may have it either.
  if (!files.next) {
    writeKeyFile(nextKeyFile(source), randomBytes(KEY_BYTES));
    files = readRootKeys(source);
  }
  const next = files.next!;
  if (next.id === current.id) throw new HushError('internal', 'The new root key equals the current one.');
  const count = await rewrapAll(trx, source, files, next);
  await record?.(trx, {
    engine: 'core',
    action: AuditAction.rootKeyRotate,
    details: { from: current.id, to: next.id, data_keys: count },
  });
  return { outcome: 'rotated', from: current, to: next, count };
}

/**
 * Step (3), in a second turn of the lock once the re-wrap is committed: the key files change only if the database
 * still says what the plan left it saying (another rotation may have finished this one, or followed it, meanwhile).
 */
async function moveKeyFiles(trx: Transaction<KeyringTables>, source: RootKeySource, plan: Plan): Promise<void> {
  const files = readRootKeys(source);
  const stored = await storedRootKeyIds(trx);
  const nextFile = nextKeyFile(source);
  if (plan.outcome === 'undone') {
    if (files.next?.id === plan.from.id && stored.every((id) => id === files.current?.id)) fs.rmSync(nextFile);
  } else if (files.next?.id === plan.to.id && stored.every((id) => id === plan.to.id)) {
    fs.renameSync(nextFile, source.file);
  } else {
    return;
  }
  syncDir(path.dirname(source.file));
}

/**
 * Replaces the root key without touching any secret: only the data keys are re-wrapped. Every step holds the keyring
 * lock (the one `createDataKey` takes), so concurrent key commands on any host take turns and each re-reads the key
 * files and the database inside it. The order makes every crash point recoverable: (1) the new key is written to
 * `<file>.next`; (2) one transaction re-wraps every data key and writes the audit entry; (3) `<file>.next` is renamed
 * over `<file>`. Between (2) and (3) both files exist and the keyring loads both, so a running server keeps working
 * and a restart finds whichever key each row names; a start warns, and running this again finishes the job.
 * With `undo`, an unfinished rotation is taken back instead: data keys return under `<file>`, `<file>.next` goes.
 */
export async function rotateRootKey(
  db: Kysely<KeyringTables>,
  source: RootKeySource,
  options: { undo?: boolean; record?: KeyChangeRecorder } = {},
): Promise<RotationResult> {
  if (source.inline) {
    throw new HushError(
      'invalid',
      'The root key comes from HUSH_ROOT_KEY; rotate it by re-wrapping with a key file instead (unset HUSH_ROOT_KEY and use HUSH_ROOT_KEY_FILE).',
    );
  }
  const plan = await withLock(db, LockName.keyring, (trx) =>
    planAndRewrap(trx, source, options.undo ?? false, options.record),
  );
  try {
    await withLock(db, LockName.keyring, (trx) => moveKeyFiles(trx, source, plan));
  } catch (e) {
    const done =
      plan.outcome === 'undone'
        ? `the data keys are back under ${source.file}, but removing ${nextKeyFile(source)}`
        : `the data keys are re-wrapped, but moving ${nextKeyFile(source)} over ${source.file}`;
    throw new HushError(
      'unavailable',
      `The rotation is half done: ${done} failed (${(e as Error).message}). Both key files are kept; run the command again to finish.`,
      { cause: e },
    );
  }
  return {
    outcome: plan.outcome,
    previousRootKeyId: plan.from.id,
    rootKeyId: plan.to.id,
    dataKeysRewrapped: plan.count,
  };
}
