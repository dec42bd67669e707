/**
 * One row per `Idempotency-Key` a caller sent with a change that was applied, written in the change's own
 * transaction: a retry finds it exactly when the change is stored. Rows older than IDEMPOTENCY_TTL_MS are ignored and
 * purged.
 */
export interface IdempotencyKeyTable {
  user_id: number;
  idem_key: string;
  /** SHA-256 of method, URL and body, sealed: a bare hash of a small body would let anyone reading the table guess it. */
  request_digest: string;
  /** HTTP status of the stored answer. */
  status: number;
  /** The answer as JSON, sealed (it may name keys that the engine keeps encrypted). */
  answer: string;
  created_at: string;
}

export interface IdempotencyTables {
  core_idempotency_keys: IdempotencyKeyTable;
}
