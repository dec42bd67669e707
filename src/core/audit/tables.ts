export interface AuditLogTable {
  seq: number;
  at: string;
  actor_user_id: number | null;
  actor_username: string | null;
  token_id: number | null;
  engine: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  client_ip: string | null;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  /** The chain (stripe) the entry links into (migration 0009); 1 for every entry written before stripes. */
  stripe: number;
}

/** One row per stripe: `id` is the stripe, `seq` and `hash` its newest entry's (0 and the genesis hash if none). */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** Which entries name an object (migration 0007): the index behind `object_id` searches, derived from the entries. */
export interface AuditObjectTable {
  object_id: string;
  seq: number;
}

/** Which object sets hold an object (migration 0010). */
export interface AuditSetMemberTable {
  object_id: string;
  set_id: string;
}

/** The object set an entry about many objects names (migration 0010). */
export interface AuditEntrySetTable {
  set_id: string;
  seq: number;
}

export interface AuditTables {
  core_audit_log: AuditLogTable;
  core_audit_head: AuditHeadTable;
  core_audit_object: AuditObjectTable;
  core_audit_set_member: AuditSetMemberTable;
  core_audit_entry_set: AuditEntrySetTable;
}

/** The log's columns in chain order: what an archive line holds and what an append inserts. */
export const AUDIT_LOG_COLUMNS = [
  'seq',
  'at',
  'actor_user_id',
  'actor_username',
  'token_id',
  'engine',
  'action',
  'object_type',
  'object_id',
  'client_ip',
  'request_id',
  'details',
  'prev_hash',
  'hash',
  'stripe',
] as const satisfies readonly (keyof AuditLogTable)[];
