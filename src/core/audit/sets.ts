import { createHash } from 'node:crypto';

/** Entries naming more objects than this get an object set (migration 0010); fewer get one row per object. */
export const SET_THRESHOLD = 8;

/**
 * A set's id: SHA-256 of its ids, sorted, as a JSON array (unambiguous whatever an id holds), base64url. The same ids
 * give the same id in every process, so writing a set is idempotent.
 */
export function setIdOf(ids: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([...ids].sort()))
    .digest('base64url');
}

/**
 * How long this process trusts its memory that a set is written. An archive removes the members of sets no entry
 * names any more, but only when its cut is older than twice this (archive.ts): every process's memory of such a set
 * has expired by then, so none appends an entry naming a set whose members are gone.
 */
export const KNOWN_SET_TTL_MS = 10 * 60 * 1000;

/**
 * The sets this process knows to be committed, so that a set read again and again is written once: added only after
 * the transaction that wrote (or found) its members commits, forgotten after KNOWN_SET_TTL_MS, and the oldest beyond
 * `capacity`; forgetting one costs a write that finds it there already.
 */
export function createKnownSets(capacity = 10_000, ttlMs = KNOWN_SET_TTL_MS) {
  const known = new Map<string, number>();
  return {
    has(setId: string): boolean {
      const at = known.get(setId);
      return at !== undefined && performance.now() - at < ttlMs;
    },
    add(setId: string): void {
      known.delete(setId);
      known.set(setId, performance.now());
      if (known.size > capacity) known.delete(known.keys().next().value as string);
    },
  };
}
