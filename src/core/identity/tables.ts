import type { Generated } from 'kysely';

export interface UserTable {
  id: Generated<number>;
  username: string;
  email: Generated<string>;
  first_name: Generated<string>;
  last_name: Generated<string>;
  kind: Generated<'person' | 'service'>;
  password_hash: string | null;
  is_superuser: Generated<number>;
  is_active: Generated<number>;
  created: string;
  last_login: string | null;
}

export interface TokenTable {
  id: Generated<number>;
  user_id: number;
  key_hash: string;
  key_hint: string;
  description: Generated<string>;
  created: string;
  expires: string | null;
  last_used: string | null;
  write_enabled: Generated<number>;
  enabled: Generated<number>;
  /** The one engine the token may be used with (migration 0005), or null for all. */
  engine: string | null;
}

export interface SessionTable {
  id: Generated<number>;
  user_id: number;
  secret_hash: string;
  csrf_hash: string;
  created: string;
  expires: string;
  /** The engine whose login opened it (0008_session_engine), or null for the core's (console) login. */
  engine: string | null;
}

export interface PermissionTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  enabled: Generated<number>;
  object_types: string;
  actions: string;
  object_id: string | null;
  created: string;
  last_updated: string;
}

export interface PermissionUserTable {
  permission_id: number;
  user_id: number;
}

export interface IdentityTables {
  core_users: UserTable;
  core_tokens: TokenTable;
  core_sessions: SessionTable;
  core_permissions: PermissionTable;
  core_permission_users: PermissionUserTable;
}
