/** Recognises a unique-constraint violation from either driver, so a race between two writers becomes a 409, not a 500. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Limit/offset as every list endpoint takes them. */
export interface Page {
  limit: number;
  offset: number;
}
