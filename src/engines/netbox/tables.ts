import type { Generated } from 'kysely';

/**
 * netbox_* tables. The master key exists at rest only as each active user key's RSA-OAEP copy (the original's
 * format, useless without that user's private key) and masked by a session key; secret ciphertexts are the
 * original's AES-CFB bytes, sealed again by the core keyring so a database dump alone reveals nothing.
 */
export interface NetboxUserKeyTable {
  id: Generated<number>;
  /** A core user id; one key per user. */
  user_id: number;
  public_key: string;
  /** base64 RSA-OAEP(SHA-1) of the 32-byte master key; null while the key is inactive. */
  master_key_cipher: string | null;
  created: string;
  last_updated: string;
}

export interface NetboxSessionKeyTable {
  id: Generated<number>;
  userkey_id: number;
  /** Random address the keyring binds `cipher` to. */
  seal_id: string;
  /** Keyring-sealed `session_key XOR master_key` (32 bytes). */
  cipher: string;
  /** SHA-256 (hex) of the session key: 256 random bits need no slow verifier (docs/wire/netbox.md §2.4). */
  hash: string;
  created: string;
}

/** One row (id 1): its update serialises master-key bootstrap and activation across processes. */
export interface NetboxStateTable {
  id: number;
  master_key_generation: number;
}

export interface NetboxSecretRoleTable {
  id: Generated<number>;
  name: string;
  slug: string;
  description: string;
  comments: string;
  parent_id: number | null;
  created: string;
  last_updated: string;
}

export interface NetboxSecretTable {
  id: Generated<number>;
  /** `dcim.device` or `virtualization.virtualmachine`. */
  assigned_object_type: string;
  assigned_object_id: number;
  role_id: number;
  name: string;
  /** Random address the keyring binds `ciphertext` to. */
  seal_id: string;
  /** Keyring-sealed NetBox ciphertext: IV (16) ‖ AES-256-CFB8(master key, framed plaintext). */
  ciphertext: string;
  /** Django `pbkdf2_sha256$1000$salt$b64` of the plaintext, as the original returns it. */
  hash: string;
  description: string;
  comments: string;
  created: string;
  last_updated: string;
}

/** Hush's minimal inventory: the objects secrets are assigned to (devices and virtual machines). */
export interface NetboxInventoryTable {
  id: Generated<number>;
  name: string;
  description: string;
  created: string;
  last_updated: string;
}

export interface NetboxTables {
  netbox_user_keys: NetboxUserKeyTable;
  netbox_session_keys: NetboxSessionKeyTable;
  netbox_state: NetboxStateTable;
  netbox_secret_roles: NetboxSecretRoleTable;
  netbox_secrets: NetboxSecretTable;
  netbox_devices: NetboxInventoryTable;
  netbox_virtual_machines: NetboxInventoryTable;
}
