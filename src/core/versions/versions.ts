import type { Kysely } from 'kysely';
import type { FieldAddress, FieldCipher } from '../keyring/keyring.js';
import type { AnyDb, AnyTables } from '../store/tx.js';

/**
 * Version history kept by engines (Phase secrets, list values): one row per version in a table the engine owns,
 * with the version's whole content sealed as one JSON document. The engine names its table; the columns below are
 * the contract (the engine may add its own, e.g. Phase's `path`, `type`, `tags`):
 *
 *   <ownerColumn> (the versioned object's id), version (1, 2, …), content_ct (text), created_at (ISO text),
 *   actor_user_id (integer, null for the system); primary key (<ownerColumn>, version).
 *
 * The ciphertext's associated data binds it to (table, `<owner>:v<version>`, `content`): a version copied to another
 * object or another version number does not open. Restoring never rewrites history: the engine writes the old
 * content as a new version (see `restorable`).
 */
export interface VersionTableSpec {
  /** The engine's table, e.g. `lists_value_versions`; also the keyring scope of its ciphertexts. */
  readonly table: string;
  /** The column holding the versioned object's id, e.g. `value_id`. */
  readonly ownerColumn: string;
}

export type OwnerId = string | number;

/** One stored version, opened. `extra` holds the engine's own columns, as stored. */
export interface StoredVersion<C, E> {
  version: number;
  content: C;
  createdAt: string;
  actorUserId: number | null;
  extra: E;
}

interface VersionRow {
  version: number;
  content_ct: string;
  created_at: string;
  actor_user_id: number | null;
  [column: string]: unknown;
}

/** The history of one engine table; `C` is the sealed content, `E` the engine's extra (plain) columns. */
export interface VersionTable<C, E extends Record<string, unknown> = Record<string, never>> {
  /** Seals one version's content; do it before the write transaction (no crypto inside transactions). */
  seal(owner: OwnerId, version: number, content: C): Promise<string>;
  /** Opens a `content_ct` read by the engine's own queries (e.g. joined with the current version). */
  open(owner: OwnerId, version: number, contentCt: string): Promise<C>;
  /** Appends one version row inside the engine's transaction. */
  append(
    trx: AnyDb,
    row: {
      owner: OwnerId;
      version: number;
      contentCt: string;
      createdAt: string;
      actorUserId: number | null;
      extra?: E;
    },
  ): Promise<void>;
  /** Every version of one object, oldest first, opened. */
  history(owner: OwnerId, trx?: AnyDb): Promise<StoredVersion<C, E>[]>;
  /** One earlier version to bring back (as a new version, by the engine's normal update), or undefined. */
  restorable(owner: OwnerId, version: number, trx?: AnyDb): Promise<StoredVersion<C, E> | undefined>;
}

const CONTRACT_COLUMNS = new Set(['version', 'content_ct', 'created_at', 'actor_user_id']);

export function createVersions(deps: { db: Kysely<AnyTables>; cipher: (table: string) => FieldCipher }) {
  return {
    table<C, E extends Record<string, unknown> = Record<string, never>>(spec: VersionTableSpec): VersionTable<C, E> {
      const { table, ownerColumn } = spec;
      const cipher = deps.cipher(table);
      const at = (owner: OwnerId, version: number): FieldAddress => ({
        row: `${owner}:v${version}`,
        column: 'content',
      });

      async function openRow(owner: OwnerId, row: VersionRow): Promise<StoredVersion<C, E>> {
        const extra: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) if (!CONTRACT_COLUMNS.has(k) && k !== ownerColumn) extra[k] = v;
        return {
          version: row.version,
          content: JSON.parse(await cipher.openText(row.content_ct, at(owner, row.version))) as C,
          createdAt: row.created_at,
          actorUserId: row.actor_user_id,
          extra: extra as E,
        };
      }

      return {
        seal: (owner: OwnerId, version: number, content: C): Promise<string> =>
          cipher.seal(JSON.stringify(content), at(owner, version)),

        open: async (owner: OwnerId, version: number, contentCt: string): Promise<C> =>
          JSON.parse(await cipher.openText(contentCt, at(owner, version))) as C,

        async append(
          trx: AnyDb,
          row: {
            owner: OwnerId;
            version: number;
            contentCt: string;
            createdAt: string;
            actorUserId: number | null;
            extra?: E;
          },
        ): Promise<void> {
          await trx
            .insertInto(table)
            .values({
              ...row.extra,
              [ownerColumn]: row.owner,
              version: row.version,
              content_ct: row.contentCt,
              created_at: row.createdAt,
              actor_user_id: row.actorUserId,
            })
            .execute();
        },

        async history(owner: OwnerId, trx: AnyDb = deps.db): Promise<StoredVersion<C, E>[]> {
          const rows = (await trx
            .selectFrom(table)
            .selectAll()
            .where(ownerColumn, '=', owner)
            .orderBy('version')
            .execute()) as VersionRow[];
          return Promise.all(rows.map((r) => openRow(owner, r)));
        },

        async restorable(
          owner: OwnerId,
          version: number,
          trx: AnyDb = deps.db,
        ): Promise<StoredVersion<C, E> | undefined> {
          const row = (await trx
            .selectFrom(table)
            .selectAll()
            .where(ownerColumn, '=', owner)
            .where('version', '=', version)
            .executeTakeFirst()) as VersionRow | undefined;
          return row && openRow(owner, row);
        },
      };
    },
  };
}
