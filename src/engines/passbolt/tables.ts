/**
 * passbolt_* tables. Ids are UUIDs as in Passbolt. Secrets are OpenPGP messages made by clients; the server cannot
 * read them, and still seals them with the keyring so the database alone reveals neither them nor their recipients.
 */
export interface PassboltAccountTable {
  /** The Passbolt user id (UUID) of a core user; created when the user registers an OpenPGP key. */
  id: string;
  user_id: number;
  created: string;
  modified: string;
}

export interface PassboltGpgkeyTable {
  id: string;
  account_id: string;
  armored_key: string;
  /** Upper-case hex, 40 characters (v4 keys). */
  fingerprint: string;
  /** Last 8 hex characters of the fingerprint, as Passbolt shows it. */
  key_id: string;
  /** Key ids (16 hex) of the subkeys that can encrypt: a secret must be encrypted to one of them. */
  encryption_key_ids: string;
  bits: number | null;
  uid: string;
  type: string;
  expires: string | null;
  key_created: string;
  created: string;
  modified: string;
}

export interface PassboltResourceTable {
  id: string;
  name: string;
  username: string | null;
  uri: string | null;
  description: string | null;
  resource_type_id: string;
  /** Soft delete as in Passbolt; secrets and permissions go at once. */
  deleted: number;
  expired: string | null;
  created: string;
  modified: string;
  created_by: string;
  modified_by: string;
}

export interface PassboltPermissionTable {
  id: string;
  aco: string;
  aco_foreign_key: string;
  /** `User` or `Group`: whose id `aro_foreign_key` is (an account's or a group's). */
  aro: string;
  aro_foreign_key: string;
  /** 1 read, 7 update, 15 owner. */
  type: number;
  created: string;
  modified: string;
}

export interface PassboltSecretTable {
  id: string;
  resource_id: string;
  user_id: string;
  /** The armored OpenPGP message, sealed by the keyring (row = secret id, column `data`). */
  data_ct: string;
  created: string;
  modified: string;
}

/** A group of users (passbolt_api's groups); resources shared with it reach every member. */
export interface PassboltGroupTable {
  id: string;
  name: string;
  /** The name in lower case: unique, as Passbolt's names are unique whatever their case. */
  name_key: string;
  created: string;
  modified: string;
  created_by: string;
  modified_by: string;
}

/** A member of a group; `is_admin` 1 makes them a group manager (they may change the members). */
export interface PassboltGroupUserTable {
  id: string;
  group_id: string;
  user_id: string;
  is_admin: number;
  created: string;
}

/** The server's OpenPGP key pair and its JWT signing key; private halves sealed by the keyring. */
export interface PassboltServerKeyTable {
  kind: 'openpgp' | 'jwt';
  public_key: string;
  fingerprint: string;
  private_ct: string;
  created: string;
}

/**
 * Refresh tokens, consumed JWT login nonces (verify tokens) and GPGAuth login tokens (issued at stage 1, spent at
 * stage 2), stored as keyed digests only.
 */
export interface PassboltAuthTokenTable {
  id: string;
  token_hash: string;
  account_id: string;
  type: 'refresh' | 'verify' | 'login';
  active: number;
  expires: string;
  created: string;
}

export interface PassboltTables {
  passbolt_accounts: PassboltAccountTable;
  passbolt_gpgkeys: PassboltGpgkeyTable;
  passbolt_resources: PassboltResourceTable;
  passbolt_permissions: PassboltPermissionTable;
  passbolt_secrets: PassboltSecretTable;
  passbolt_groups: PassboltGroupTable;
  passbolt_groups_users: PassboltGroupUserTable;
  passbolt_server_keys: PassboltServerKeyTable;
  passbolt_auth_tokens: PassboltAuthTokenTable;
}
