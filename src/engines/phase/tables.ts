import type { Generated } from 'kysely';

/** phase_* tables. Ciphertexts come from the core keyring; nothing here is readable without the root key. */
export interface PhaseAppTable {
  id: string;
  name: string;
  description: string;
  sse_enabled: number;
  created_at: string;
  updated_at: string;
}

export interface PhaseEnvironmentTable {
  id: string;
  app_id: string;
  name: string;
  /** Lower-cased name: Phase compares environment names case-insensitively. */
  name_lower: string;
  env_type: 'dev' | 'staging' | 'prod' | 'custom';
  position: number;
  /** The env's 32-byte salt as hex, sealed: the BLAKE2b key for keyDigest. */
  salt_ct: string;
  /** The env's 32-byte key-pair seed as hex, sealed (for Phase's end-to-end clients). */
  seed_ct: string;
  /** Bumped by every transaction that changes the environment's secrets (migration 0002). */
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface PhaseFolderTable {
  id: string;
  environment_id: string;
  path: string;
  created_at: string;
}

export interface PhaseSecretTable {
  id: string;
  environment_id: string;
  folder_id: string | null;
  path: string;
  key_digest: string;
  /** The current version; its ciphertexts live in phase_secret_versions. */
  version: number;
  type: 'secret' | 'sealed' | 'config';
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** Every version of every secret, kept for history and restore. */
export interface PhaseSecretVersionTable {
  secret_id: string;
  version: number;
  /** JSON `{key, value, comment}` sealed as one: one decryption per secret read. */
  content_ct: string;
  path: string;
  type: string;
  tags: string;
  created_at: string;
  actor_user_id: number | null;
}

export interface PhaseTagTable {
  id: string;
  name: string;
  color: string;
  created_at: string;
}

export interface PhaseSecretTagTable {
  secret_id: string;
  tag_id: string;
}

export interface PhaseOverrideTable {
  id: string;
  secret_id: string;
  user_id: number;
  value_ct: string;
  is_active: number;
  created_at: string;
  updated_at: string;
}

/** The Phase-format side of a core token (migration 0003): never the private key, never the client's share. */
export interface PhaseTokenTable {
  /** The core token authenticating the bearer part. */
  token_id: number;
  public_key: string;
  wrapped_key_share: string;
  /** JSON `{"apps": string[], "environments": string[]}`, or null for a token that reaches all its owner's grants. */
  scope: string | null;
  created_at: string;
}

export interface PhaseTables {
  phase_apps: PhaseAppTable;
  phase_environments: PhaseEnvironmentTable;
  phase_folders: PhaseFolderTable;
  phase_secrets: PhaseSecretTable;
  phase_secret_versions: PhaseSecretVersionTable;
  phase_tags: PhaseTagTable;
  phase_secret_tags: PhaseSecretTagTable;
  phase_overrides: PhaseOverrideTable;
  phase_tokens: PhaseTokenTable;
}

export type PhaseGenerated = Generated<number>;
