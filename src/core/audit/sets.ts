import { createHash } from 'node:crypto';

/** Entries naming more objects than this get an object set (migration 0010); fewer get one row per object. */
export const SET_THRESHOLD = 8;

/**
 * A set's id: SHA-256 of its ids, sorted and joined by newlines (no id holds one: they are database ids and UUIDs),
 * base64url. The same ids give the same id in every process, so writing a set is idempotent.
 */
export function setIdOf(ids: readonly string[]): string {
  return createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('base64url');
}

/**
 * The sets this process knows to be committed, so that a set read again and again is written once: added only after
 * the transaction that wrote (or found) its members commits. The oldest are forgotten beyond `capacity`; forgetting
 * one costs a write that finds it there already.
 */
export function createKnownSets(capacity = 10_000) {
  const known = new Set<string>();
  return {
    has: (setId: string) => known.has(setId),
    add(setId: string) {
      known.add(setId);
      if (known.size > capacity) known.delete(known.values().next().value as string);
    },
  };
}
