/** Recognises a unique-constraint violation from either driver, so a race between two writers becomes a 409, not a 500. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Recognises a foreign-key violation from either driver: a row still referenced, or a reference to a missing row. */
export function isForeignKeyViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Limit/offset as every list endpoint takes them. */
export interface Page {
  limit: number;
  offset: number;
}
