import type { Generated } from 'kysely';

/**
 * lists_* tables. A list is a named container; a value is one key/value pair whose current content lives in
 * lists_value_versions (sealed by the keyring, the core versions contract: src/core/versions/versions.ts).
 */
export interface ListsListTable {
  id: Generated<number>;
  /** Unique in the instance (NetActuate: "unique across the account"). */
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ListsValueTable {
  /** A UUID, known before the row is written: the sealed content is bound to it and is sealed before the transaction. */
  id: string;
  list_id: number;
  /** Plain: keys are names, not secrets; unique in the instance so `${{secret.KEY}}` names one value. */
  secret_key: string;
  /** The current version; its sealed content is the lists_value_versions row with this number. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** Every version of every value, kept for history and restore; deleted with its value. */
export interface ListsValueVersionTable {
  value_id: string;
  version: number;
  /** JSON `{secret_key, secret_value}` sealed as one. */
  content_ct: string;
  created_at: string;
  actor_user_id: number | null;
}

export interface ListsTables {
  lists_lists: ListsListTable;
  lists_values: ListsValueTable;
  lists_value_versions: ListsValueVersionTable;
}
