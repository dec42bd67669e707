import { randomBytes } from 'node:crypto';
import { keyedBlake2b256Hex } from './sodium.js';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { nowIso } from '../ids.js';
import { LockName } from '../names.js';
import { withLock } from '../store/tx.js';
import { KEY_BYTES, openBytes, parseEnvelope, sealBytes } from './aead.js';
import { loadRootKeys, type RootKey, type RootKeySource } from './root-key.js';
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

// Seconds before another process's data-key rotation is noticed; sealing with the previous key is still valid.
const ACTIVE_KEY_TTL_MS = 60_000;

const wrapAad = (dataKeyId: number) => `data-key|${dataKeyId}`;
const fieldAad = (table: string, at: FieldAddress) => `${table}|${at.row}|${at.column}`;

export function createKeyring(deps: { db: Kysely<KeyringTables>; rootKeySource: RootKeySource }) {
  const { db, rootKeySource } = deps;
  let rootKeys = new Map<string, RootKey>();
  let currentRoot: RootKey | undefined;
  const dataKeys = new Map<number, Buffer>();
  let active: { id: number; until: number } | undefined;

  function reloadRootKeys(create: boolean): boolean {
    const loaded = loadRootKeys(rootKeySource, create);
    rootKeys = new Map(loaded.all.map((k) => [k.id, k]));
    currentRoot = loaded.current;
    return loaded.created;
  }

  function rootKeyFor(id: string): RootKey {
    let key = rootKeys.get(id);
    if (!key) {
      // Another process may have rotated the root key since this one started.
      reloadRootKeys(false);
      key = rootKeys.get(id);
    }
    if (!key) {
      throw new HushError('unavailable', `Root key ${id} is not available; data keys cannot be unwrapped.`, {
        reason: 'root_key_missing',
      });
    }
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

  async function activeDataKeyId(): Promise<number> {
    if (active && active.until > Date.now()) return active.id;
    const row = await db
      .selectFrom('core_data_keys')
      .select('id')
      .where('state', '=', 'active')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!row) throw new HushError('unavailable', 'The keyring has no active data key.', { reason: 'no_data_key' });
    active = { id: row.id, until: Date.now() + ACTIVE_KEY_TTL_MS };
    return row.id;
  }

  /**
   * Makes a new data key the one that seals; earlier keys stay to open what they sealed. With `onlyIfNone`, does
   * nothing when a key exists (decided under the lock, so processes starting together create one key).
   */
  async function createDataKey(options: { onlyIfNone?: boolean } = {}): Promise<number | undefined> {
    const root = currentRoot!;
    const key = randomBytes(KEY_BYTES);
    const id = await withLock(db, LockName.keyring, async (trx) => {
      if (options.onlyIfNone && (await trx.selectFrom('core_data_keys').select('id').executeTakeFirst())) return undefined;
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
    });
    if (id === undefined) return undefined;
    dataKeys.set(id, key);
    active = { id, until: Date.now() + ACTIVE_KEY_TTL_MS };
    return id;
  }

  return {
    /**
     * Loads (or on first start creates) the root key, checks it opens the stored data keys, and makes sure an
     * active data key exists. Returns whether the root key file was created now.
     */
    async start(): Promise<{ rootKeyCreated: boolean; rootKeyId: string }> {
      const created = reloadRootKeys(true);
      const existing = await db.selectFrom('core_data_keys').select('id').execute();
      for (const row of existing) await dataKey(row.id);
      if (!existing.length) await createDataKey({ onlyIfNone: true });
      return { rootKeyCreated: created, rootKeyId: currentRoot!.id };
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

    createDataKey: async (): Promise<number> => (await createDataKey())!,

    /** Fresh random key material as hex (salts, seeds); engines never call node:crypto for secret data. */
    randomHex: (bytes: number): string => randomBytes(bytes).toString('hex'),

    /** Keyed BLAKE2b-256 (hex), e.g. Phase's keyDigest. */
    keyedHash: keyedBlake2b256Hex,

    /** Fingerprint of the root key in use, for `hush admin` and logs. */
    rootKeyId: (): string | undefined => currentRoot?.id,
  };
}

export type Keyring = ReturnType<typeof createKeyring>;
