import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditTables } from './tables.js';

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

/**
 * An entry about more than SET_THRESHOLD objects stores its set's id and size in place of the ids (docs/audit.md §5):
 * a listing of 100 secrets read again and again is one set, so each read's entry stays a few hundred bytes instead
 * of several kilobytes of ids. The hash covers the set's id, which is the digest of its ids, so the ids are as
 * tamper-evident as when they were inline; `verify` checks the members against it.
 */
export interface ObjectSetRef {
  objects_set: string;
  objects_count: number;
}

/** The set an entry's stored `details` names, or undefined (parsed only when the text can hold one). */
export function objectSetOf(details: string): ObjectSetRef | undefined {
  if (!details.includes('"objects_set"')) return undefined;
  try {
    const d = JSON.parse(details) as Partial<ObjectSetRef>;
    if (typeof d.objects_set === 'string' && typeof d.objects_count === 'number')
      return { objects_set: d.objects_set, objects_count: d.objects_count };
  } catch {
    // Unreadable details name no set; the entry's own hash check reports what is wrong with it.
  }
  return undefined;
}

/** Why `members` (the stored ones, or an archive line's) are not the set `ref` names; undefined when they are. */
export function objectSetProblem(ref: ObjectSetRef, members: readonly string[] | undefined): string | undefined {
  if (!members?.length) return `names object set ${ref.objects_set}, whose members are missing`;
  if (members.length !== ref.objects_count || setIdOf(members) !== ref.objects_set)
    return `names object set ${ref.objects_set}, whose members were changed (they no longer match its id)`;
  return undefined;
}

// Set ids per query when reading members.
const SETS_PER_QUERY = 500;

/** The members of each of `setIds` that has any, sorted (migration 0011's index on `set_id`). */
export async function membersOfSets(db: Kysely<AuditTables>, setIds: Iterable<string>): Promise<Map<string, string[]>> {
  const ids = [...new Set(setIds)];
  const members = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += SETS_PER_QUERY) {
    const rows = await db
      .selectFrom('core_audit_set_member')
      .select(['set_id', 'object_id'])
      .where('set_id', 'in', ids.slice(i, i + SETS_PER_QUERY))
      .execute();
    for (const r of rows) {
      const list = members.get(r.set_id);
      if (list) list.push(r.object_id);
      else members.set(r.set_id, [r.object_id]);
    }
  }
  for (const list of members.values()) list.sort();
  return members;
}

/**
 * Entries as the API shows them: one that names an object set gets its members back as `details.objects` (sorted),
 * beside the set's id and size that its stored text, and its hash, hold.
 */
export async function withSetMembers<R extends { details: string }>(db: Kysely<AuditTables>, rows: R[]): Promise<R[]> {
  const members = await setMembersOfRows(db, rows);
  return rows.map((row, i) => {
    const ids = members[i];
    if (!ids) return row;
    const details = JSON.parse(row.details) as Record<string, unknown>;
    return { ...row, details: JSON.stringify({ ...details, objects: ids }) };
  });
}

/** For each row, the ids of the object set its `details` names (empty when they are gone), or undefined for none. */
export async function setMembersOfRows(
  db: Kysely<AuditTables>,
  rows: readonly { details: string }[],
): Promise<(string[] | undefined)[]> {
  const refs = rows.map((r) => objectSetOf(r.details));
  if (!refs.some(Boolean)) return refs.map(() => undefined);
  const members = await membersOfSets(
    db,
    refs.flatMap((ref) => (ref ? [ref.objects_set] : [])),
  );
  return refs.map((ref) => ref && (members.get(ref.objects_set) ?? []));
}
