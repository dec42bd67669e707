import type { Kysely } from 'kysely';
import { checkpointOf, stripeStartsOf, type ArchiveCheckpoint } from './archive.js';
import { AuditAction } from '../names.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { membersOfSets, objectSetOf, objectSetProblem } from './sets.js';
import type { AuditLogTable, AuditTables } from './tables.js';

export interface VerifyReport {
  ok: boolean;
  entries: number;
  /** The first few breaks found, in chain order. */
  problems: { seq: number; problem: string }[];
  /** The head entry the check walked to: entries appended after it (while it ran) are outside this check. */
  throughSeq: number;
  /** Set when the live chain starts after archived entries: the last entry an archive removed. */
  archivedThrough?: number;
  /**
   * Every stripe's head as checked. Kept outside the database (`hush admin audit verify --anchor FILE`), they let a
   * later check catch a stripe whose newest entries were removed together with its head moved back (anchor.ts).
   */
  heads: { stripe: number; seq: number; hash: string }[];
}

const BATCH = 1000;
const MAX_PROBLEMS = 20;
// Entries above their stripe's head kept for the check after the walk: those committed while it ran, a handful.
const MAX_LATER = 10_000;

/**
 * A walk along entries in `seq` order: each must name the hash of the previous entry of its own stripe and hash to
 * what it says, and `seq` must grow. Numbers may skip (a rolled-back append on PostgreSQL leaves a gap), so what
 * catches a deleted entry is the next entry of its stripe no longer linking, and for the newest, the stripe's head.
 * It remembers each stripe's first and last entry and the checkpoints it passes, which name where archives ended.
 */
export function createChainWalk() {
  const problems: VerifyReport['problems'] = [];
  const checkpoints: (ArchiveCheckpoint & { seq: number })[] = [];
  const firstOf = new Map<number, AuditLogTable>();
  const lastOf = new Map<number, AuditLogTable>();
  let first: AuditLogTable | undefined;
  let last: AuditLogTable | undefined;
  let entries = 0;
  const report = (seq: number, problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, problem });
  };
  return {
    problems,
    checkpoints,
    report,
    /** Each stripe's first and last entry in this walk. */
    firstOf,
    lastOf,
    get entries() {
      return entries;
    },
    get first() {
      return first;
    },
    get last() {
      return last;
    },
    step(row: AuditLogTable): void {
      entries += 1;
      if (!first) first = row;
      if (last && row.seq <= last.seq) report(row.seq, `comes after entry ${last.seq} (entries are out of order)`);
      const before = lastOf.get(row.stripe);
      if (!before) firstOf.set(row.stripe, row);
      else if (row.prev_hash !== before.hash)
        report(
          row.seq,
          `stripe ${row.stripe}: does not link to the previous entry of its stripe, ${before.seq} (prev_hash differs): entries between them were removed or changed`,
        );
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) report(row.seq, 'was modified (its hash does not match its contents)');
      const checkpoint = checkpointOf(row);
      if (checkpoint) checkpoints.push({ ...checkpoint, seq: row.seq });
      lastOf.set(row.stripe, row);
      last = row;
    },
  };
}
export type ChainWalk = ReturnType<typeof createChainWalk>;

/**
 * Where each stripe may start: from the genesis hash, or, after an archive, from the hash the newest checkpoint
 * names for it (the stripe's last archived entry). Anything else means a stripe's oldest entries were removed.
 * Returns the last entry archived, when an archive has run.
 */
export function checkChainStart(walk: ChainWalk): number | undefined {
  const newest = walk.checkpoints[walk.checkpoints.length - 1];
  const starts = newest ? stripeStartsOf(newest) : undefined;
  for (const [stripe, first] of walk.firstOf) {
    if (first.prev_hash === (starts?.get(stripe) ?? GENESIS_HASH)) continue;
    walk.report(
      first.seq,
      newest
        ? `stripe ${stripe}: the oldest entries were removed: its first entry does not link to the archived head the last archive names (prev_hash differs)`
        : `stripe ${stripe}: the oldest entries were removed: its first entry does not start from the genesis hash and no archive checkpoint names them`,
    );
  }
  const first = walk.first;
  if (newest && first && first.seq <= newest.archived_through_seq)
    walk.report(
      first.seq,
      `was archived (the last archive ended at entry ${newest.archived_through_seq}) but is still in the log`,
    );
  return newest?.archived_through_seq;
}

// Object sets whose verdict a walk keeps: a listing read again and again names one set, checked once.
const MAX_CHECKED_SETS = 50_000;

/**
 * Entries that name an object set (sets.ts `ObjectSetRef`) are checked against its stored members: their digest
 * must be the set's id, so a member added, changed or removed is reported at every entry naming that set.
 */
async function checkObjectSets(
  db: Kysely<AuditTables>,
  walk: ChainWalk,
  rows: readonly AuditLogTable[],
  checked: Map<string, string | undefined>,
): Promise<void> {
  const named = rows.flatMap((row) => {
    const ref = objectSetOf(row.details);
    return ref ? [{ row, ref, key: `${ref.objects_set}:${ref.objects_count}` }] : [];
  });
  if (!named.length) return;
  // Forgotten before the members are read, so every set left unchecked is among those read.
  if (checked.size > MAX_CHECKED_SETS) checked.clear();
  const unknown = named.filter((n) => !checked.has(n.key)).map((n) => n.ref.objects_set);
  const members = unknown.length ? await membersOfSets(db, unknown) : new Map<string, string[]>();
  for (const { row, ref, key } of named) {
    if (!checked.has(key)) checked.set(key, objectSetProblem(ref, members.get(ref.objects_set)));
    const problem = checked.get(key);
    if (problem) walk.report(row.seq, problem);
  }
}

/** Test hooks for the walk: a smaller batch, and a call between batches (where other writers may commit). */
export interface WalkOptions {
  batch?: number;
  betweenBatches?: () => Promise<void>;
}

/**
 * Walks the live chain from its first entry (docs/audit.md §6): the links between entries, where it starts (§8: after
 * the newest archive checkpoint), and that the head row names the last entry, which catches deleted tails.
 *
 * The batches are read outside any transaction, so the walk reads the head first and checks the chain up to it only
 * (`throughSeq`): entries appended meanwhile are outside this check. An archive (or retention run) that commits during
 * the walk moves the chain's start and appends its checkpoint after that head; when the walk finds problems and such
 * a newer checkpoint exists, it walks once more from the new start and head before reporting.
 */
export async function walkAuditChain(
  db: Kysely<AuditTables>,
  options: WalkOptions = {},
): Promise<{ walk: ChainWalk; report: VerifyReport }> {
  const once = await walkOnce(db, options);
  if (once.report.ok || !(await archivedSince(db, once.report.throughSeq))) return once;
  return walkOnce(db, options);
}

/** Whether an archive checkpoint was appended after entry `seq`: the chain's start may have moved since. */
async function archivedSince(db: Kysely<AuditTables>, seq: number): Promise<boolean> {
  const row = await db
    .selectFrom('core_audit_log')
    .select('seq')
    .where('seq', '>', seq)
    .where('engine', '=', 'core')
    .where('action', '=', AuditAction.auditArchive)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function walkOnce(
  db: Kysely<AuditTables>,
  options: WalkOptions,
): Promise<{ walk: ChainWalk; report: VerifyReport }> {
  const batch = options.batch ?? BATCH;
  const walk = createChainWalk();
  const later: AuditLogTable[] = [];
  const checkedSets = new Map<string, string | undefined>();
  // The heads first: every entry of a stripe up to its head committed with it (an append writes both in one
  // transaction); a later entry is outside this check.
  const heads = new Map((await db.selectFrom('core_audit_head').selectAll().execute()).map((h) => [h.id, h] as const));
  const through = heads.size ? Math.max(...[...heads.values()].map((h) => h.seq)) : undefined;
  for (let after = 0; ;) {
    let q = db.selectFrom('core_audit_log').selectAll().where('seq', '>', after);
    if (through !== undefined) q = q.where('seq', '<=', through);
    const rows = await q.orderBy('seq').limit(batch).execute();
    if (!rows.length) break;
    await checkObjectSets(db, walk, rows, checkedSets);
    for (const row of rows) {
      const head = heads.get(row.stripe);
      if (head && row.seq > head.seq) {
        // Committed after the heads were read, or never appended through its head: told apart once the walk ends.
        if (later.length < MAX_LATER) later.push(row);
        continue;
      }
      if (!head && heads.size) walk.report(row.seq, `stripe ${row.stripe}: has no head record`);
      walk.step(row);
    }
    after = rows[rows.length - 1]!.seq;
    if (rows.length < batch) break;
    await options.betweenBatches?.();
  }
  await checkAboveHeads(db, walk, later, through ?? 0);
  const archivedThrough = checkChainStart(walk);
  if (!heads.size) walk.report(0, 'the chain head record is missing');
  const newest = walk.checkpoints[walk.checkpoints.length - 1];
  const starts = newest ? stripeStartsOf(newest) : undefined;
  for (const head of heads.values()) {
    const end = walk.lastOf.get(head.id);
    if (end && head.seq === end.seq && head.hash === end.hash) continue;
    // A stripe with no entry left ends where it starts: the genesis hash, or its archived head.
    if (!end && head.hash === (starts?.get(head.id) ?? GENESIS_HASH)) continue;
    walk.report(
      head.seq,
      end
        ? `stripe ${head.id}: the newest entries were removed: its head names entry ${head.seq}, the stripe ends at ${end.seq}`
        : newest
          ? `stripe ${head.id}: entries were removed: its head names entry ${head.seq}, the stripe has no entries and does not end at its archived head`
          : `stripe ${head.id}: entries were removed: its head names entry ${head.seq}, the stripe has no entries and no archive checkpoint names them`,
    );
  }
  const report: VerifyReport = {
    ok: walk.problems.length === 0,
    entries: walk.entries,
    problems: walk.problems,
    throughSeq: through ?? walk.last?.seq ?? 0,
    heads: [...heads.values()].sort((a, b) => a.id - b.id).map((h) => ({ stripe: h.id, seq: h.seq, hash: h.hash })),
  };
  if (archivedThrough !== undefined) report.archivedThrough = archivedThrough;
  return { walk, report };
}

/**
 * An append writes its entry and moves its stripe's head in one transaction, so once the walk is over every
 * committed entry has a seq at or below its stripe's head as read now. One above it was written around the chain
 * (an INSERT into a gap PostgreSQL's sequence left, or past the newest entry): it would show in the log without
 * having been checked, so it is a problem here rather than at the next append of its stripe.
 */
async function checkAboveHeads(
  db: Kysely<AuditTables>,
  walk: ChainWalk,
  skipped: readonly AuditLogTable[],
  through: number,
): Promise<void> {
  const newer = await db
    .selectFrom('core_audit_log')
    .select(['seq', 'stripe'])
    .where('seq', '>', through)
    .orderBy('seq')
    .limit(MAX_LATER)
    .execute();
  if (!skipped.length && !newer.length) return;
  const heads = new Map(
    (await db.selectFrom('core_audit_head').select(['id', 'seq']).execute()).map((h) => [h.id, h.seq] as const),
  );
  for (const row of [...skipped, ...newer]) {
    const head = heads.get(row.stripe);
    if (head !== undefined && row.seq > head)
      walk.report(
        row.seq,
        `stripe ${row.stripe}: is past its stripe's head (entry ${head}): it was written into the log without being appended to the chain`,
      );
  }
}

/** Verifies the live chain; see walkAuditChain. */
export async function verifyAuditChain(db: Kysely<AuditTables>): Promise<VerifyReport> {
  return (await walkAuditChain(db)).report;
}
