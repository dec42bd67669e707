import { randomBytes } from 'node:crypto';
import { keyedBlake2b256Hex } from './sodium.js';
import type { Kysely, Transaction } from 'kysely';
import { HushError } from '../errors.js';
import { AuditAction, LockName } from '../names.js';
import { withLock } from '../store/tx.js';
import { KEY_BYTES, openBytes, parseEnvelope, sealBytes } from './aead.js';
import { insertDataKey, storedRootKeyIds, wrapAad, type KeyChangeRecorder } from './data-keys.js';
import {
  missingRootKey,
  mixedRootKeys,
  rootKeyMismatch,
  rootKeySuperseded,
  type InterruptedRotation,
} from './problems.js';
import {
  nextKeyFile,
  readRootKeys,
  removeStaleTempFiles,
  writeKeyFile,
  type RootKey,
  type RootKeyFiles,
  type RootKeySource,
} from './root-key.js';
import type { KeyringTables } from './tables.js';

/** Where a ciphertext lives. Part of its associated data: the same bytes elsewhere do not open. */
export interface FieldAddress {
  /** Stable id of the owning row (or row + version), e.g. `42` or `3f0c…:v7`. */
  row: string;
  column: string;
}

/** Seal/open bound to one table; what an engine receives instead of a key. */
export interface FieldCipher {
  seal(plaintext: string | Buffer, at: FieldAddress): Promise<string>;
  open(ciphertext: string, at: FieldAddress): Promise<Buffer>;
  openText(ciphertext: string, at: FieldAddress): Promise<string>;
}

/** What `start` found. */
export interface KeyringState {
  /** The key file was created by this start (a new instance). */
  rootKeyCreated: boolean;
  rootKeyId: string;
  /** `<file>.next` exists: a rotation that has not finished (see `interruptedRotationAdvice`). */
  interruptedRotation: InterruptedRotation | undefined;
  /** Temporary key copies a crash had left beside the key file, removed by this start. */
  removedTempFiles: string[];
}

// Seconds before another process's data-key rotation is noticed; sealing with the previous key is still valid.
const ACTIVE_KEY_TTL_MS = 60_000;

const fieldAad = (table: string, at: FieldAddress) => `${table}|${at.row}|${at.column}`;

export function createKeyring(deps: {
  db: Kysely<KeyringTables>;
  rootKeySource: RootKeySource;
  storeLocation?: string;
}) {
  const { db, rootKeySource } = deps;
  let files: RootKeyFiles = { current: undefined, next: undefined };
  let rootKeys = new Map<string, RootKey>();
  const dataKeys = new Map<number, Buffer>();
  let active: { id: number; until: number } | undefined;

  /** Replaces the root keys in memory with what the files hold now; a superseded key is forgotten. */
  function adopt(found: RootKeyFiles): void {
    files = found;
    rootKeys = new Map([found.current, found.next].filter((k): k is RootKey => k !== undefined).map((k) => [k.id, k]));
  }

  function reloadRootKeys(): void {
    const found = readRootKeys(rootKeySource);
    if (!found.current) {
      throw new HushError('unavailable', 'The root key file has disappeared; data keys cannot be unwrapped.', {
        reason: 'root_key_missing',
        cause: new Error(`${rootKeySource.file} does not exist any more: put it back`),
      });
    }
    adopt(found);
  }

  function rootKeyFor(id: string): RootKey {
    let key = rootKeys.get(id);
    if (!key) {
      // Another process may have rotated the root key since this one started.
      reloadRootKeys();
      key = rootKeys.get(id);
    }
    if (!key) {
      throw new HushError('unavailable', `Root key ${id} is not available; data keys cannot be unwrapped.`, {
        reason: 'root_key_missing',
      });
    }
    return key;
  }

  /**
   * The root key a new data key must be wrapped by: the one the stored data keys use, which another process may
   * have changed since this one loaded its files. Call with the keyring lock held, so it cannot change again.
   */
  async function wrappingRootKey(trx: Transaction<KeyringTables>): Promise<RootKey> {
    const stored = await storedRootKeyIds(trx);
    if (stored.length > 1) throw mixedRootKeys(stored);
    reloadRootKeys();
    const id = stored[0] ?? files.current!.id;
    const key = rootKeys.get(id);
    if (!key) throw rootKeySuperseded(rootKeySource, files, id);
    return key;
  }

  async function dataKey(id: number): Promise<Buffer> {
    const cached = dataKeys.get(id);
    if (cached) return cached;
    const row = await db.selectFrom('core_data_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HushError('internal', `Data key ${id} does not exist.`, { reason: 'data_key_missing' });
    const root = rootKeyFor(row.root_key_id);
    const key = openBytes(root.key, parseEnvelope(row.wrapped_key), wrapAad(row.id));
    dataKeys.set(id, key);
    return key;
  }

  /**
   * The data key that seals. Looked up again every ACTIVE_KEY_TTL_MS, and each time its wrapping root key is checked
   * against the key files: a root-key rotation by another process is picked up from the files, and a process that
   * cannot load the key now in use refuses to seal (it could not restart, so it must not carry on as if it could).
   */
  async function activeDataKeyId(): Promise<number> {
    if (active && active.until > Date.now()) return active.id;
    const row = await db
      .selectFrom('core_data_keys')
      .select(['id', 'root_key_id'])
      .where('state', '=', 'active')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!row) throw new HushError('unavailable', 'The keyring has no active data key.', { reason: 'no_data_key' });
    if (row.root_key_id !== files.current?.id) reloadRootKeys();
    if (!rootKeys.has(row.root_key_id)) throw rootKeySuperseded(rootKeySource, files, row.root_key_id);
    active = { id: row.id, until: Date.now() + ACTIVE_KEY_TTL_MS };
    return row.id;
  }

  /** Makes a new data key the one that seals, with its audit entry in the same transaction. */
  async function createDataKey(record?: KeyChangeRecorder): Promise<number> {
    const key = randomBytes(KEY_BYTES);
    const id = await withLock(db, LockName.keyring, async (trx) => {
      const root = await wrappingRootKey(trx);
      const inserted = await insertDataKey(trx, root, key);
      await record?.(trx, {
        engine: 'core',
        action: AuditAction.dataKeyCreate,
        objectType: 'core.datakey',
        objectId: inserted,
        details: { root_key_id: root.id },
      });
      return inserted;
    });
    dataKeys.set(id, key);
    active = { id, until: Date.now() + ACTIVE_KEY_TTL_MS };
    return id;
  }

  return {
    /**
     * Loads the root key and checks it opens the stored data keys. With `create` (a server's start, `hush admin
     * init`), a new instance also gets its key file and first data key; otherwise, and whenever the database already
     * holds data keys, a missing key file is an error and nothing is written. Decided under the keyring lock, so
     * processes starting together create one key, and never while a rotation moves files.
     */
    async start(options: { create: boolean }): Promise<KeyringState> {
      const state = await withLock(db, LockName.keyring, async (trx) => {
        const removedTempFiles = removeStaleTempFiles(rootKeySource);
        const stored = await storedRootKeyIds(trx);
        let found = readRootKeys(rootKeySource);
        let rootKeyCreated = false;
        if (!found.current) {
          if (stored.length || !options.create)
            throw missingRootKey(rootKeySource, stored, deps.storeLocation ?? 'in use');
          rootKeyCreated = writeKeyFile(rootKeySource.file, randomBytes(KEY_BYTES));
          found = readRootKeys(rootKeySource);
          if (!found.current)
            throw new HushError('unavailable', `The root key file ${rootKeySource.file} vanished while starting.`);
        }
        adopt(found);
        const unknown = stored.filter((id) => !rootKeys.has(id));
        if (unknown.length) throw rootKeyMismatch(rootKeySource, found, unknown);
        if (!stored.length) await insertDataKey(trx, found.current, randomBytes(KEY_BYTES));
        const next = found.next;
        const interruptedRotation = next && {
          nextFile: nextKeyFile(rootKeySource),
          nextRootKeyId: next.id,
          dataKeysUseNext: stored.includes(next.id),
        };
        return { rootKeyCreated, rootKeyId: found.current.id, interruptedRotation, removedTempFiles };
      });
      // Unwrapped now, outside the lock, so a damaged key fails the start rather than the first request.
      for (const row of await db.selectFrom('core_data_keys').select('id').execute()) await dataKey(row.id);
      return state;
    },

    /** A seal/open pair bound to `table`; every engine gets these instead of key material. */
    cipher(table: string): FieldCipher {
      const seal = async (plaintext: string | Buffer, at: FieldAddress) => {
        const id = await activeDataKeyId();
        const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
        return sealBytes(await dataKey(id), String(id), bytes, fieldAad(table, at));
      };
      const open = async (ciphertext: string, at: FieldAddress) => {
        const envelope = parseEnvelope(ciphertext);
        const id = Number(envelope.keyId);
        if (!Number.isInteger(id)) throw new HushError('internal', 'Stored ciphertext is malformed.');
        return openBytes(await dataKey(id), envelope, fieldAad(table, at));
      };
      return { seal, open, openText: async (c, at) => (await open(c, at)).toString('utf8') };
    },

    /**
     * Starts sealing with a fresh data key, wrapped by the root key the stored data keys use (re-checked under the
     * keyring lock, so a concurrent root-key rotation cannot leave it wrapped by a retired key). `record` writes the
     * audit entry in the same transaction.
     */
    createDataKey,

    /** Fresh random key material as hex (salts, seeds); engines never call node:crypto for secret data. */
    randomHex: (bytes: number): string => randomBytes(bytes).toString('hex'),

    /** Keyed BLAKE2b-256 (hex), e.g. Phase's keyDigest. */
    keyedHash: keyedBlake2b256Hex,

    /** Fingerprint of the root key in use, for `hush admin` and logs. */
    rootKeyId: (): string | undefined => files.current?.id,
  };
}
