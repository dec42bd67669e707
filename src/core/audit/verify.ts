import type { Kysely } from 'kysely';
import { checkpointOf, type ArchiveCheckpoint } from './archive.js';
import { AuditAction } from '../names.js';
import { entryHash, GENESIS_HASH } from './chain.js';
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
}

const BATCH = 1000;
const MAX_PROBLEMS = 20;

/**
 * A walk along consecutive entries: each must follow the previous one (no gap in `seq`), name the previous hash, and
 * hash to what it says. It remembers the checkpoints it passes, which name where earlier archives ended.
 */
export function createChainWalk() {
  const problems: VerifyReport['problems'] = [];
  const checkpoints: (ArchiveCheckpoint & { seq: number })[] = [];
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
      else if (last) {
        if (row.seq !== last.seq + 1) report(row.seq, `entries ${last.seq + 1}..${row.seq - 1} are missing`);
        if (row.prev_hash !== last.hash) report(row.seq, 'does not link to the previous entry (prev_hash differs)');
      }
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) report(row.seq, 'was modified (its hash does not match its contents)');
      const checkpoint = checkpointOf(row);
      if (checkpoint) checkpoints.push({ ...checkpoint, seq: row.seq });
      last = row;
    },
  };
}
export type ChainWalk = ReturnType<typeof createChainWalk>;

/**
 * Where a chain may start: at entry 1 after the genesis hash, or right after the entries the newest checkpoint says
 * were archived, linking to the archived head. Anything else means the oldest entries were removed.
 */
export function checkChainStart(walk: ChainWalk): number | undefined {
  const { first } = walk;
  if (!first) return undefined;
  const newest = walk.checkpoints[walk.checkpoints.length - 1];
  if (first.seq === 1) {
    if (first.prev_hash !== GENESIS_HASH) walk.report(1, 'the first entry does not start from the genesis hash');
    return undefined;
  }
  if (!newest) {
    walk.report(first.seq, `entries 1..${first.seq - 1} are missing and no archive checkpoint names them`);
  } else if (newest.archived_through_seq !== first.seq - 1) {
    walk.report(
      first.seq,
      `the oldest entries were removed: the last archive ended at entry ${newest.archived_through_seq}, the log starts at ${first.seq}`,
    );
  } else if (newest.archived_head_hash !== first.prev_hash) {
    walk.report(first.seq, 'does not link to the archived head its checkpoint names (prev_hash differs)');
  }
  return first.seq - 1;
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
  // The head first: every entry up to it committed with it (an append writes both in one transaction).
  const head = await db.selectFrom('core_audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  for (let after = 0; ;) {
    let q = db.selectFrom('core_audit_log').selectAll().where('seq', '>', after);
    if (head) q = q.where('seq', '<=', head.seq);
    const rows = await q.orderBy('seq').limit(batch).execute();
    if (!rows.length) break;
    for (const row of rows) walk.step(row);
    after = rows[rows.length - 1]!.seq;
    if (rows.length < batch) break;
    await options.betweenBatches?.();
  }
  const archivedThrough = checkChainStart(walk);
  const end = walk.last ?? { seq: 0, hash: GENESIS_HASH };
  if (!head) walk.report(0, 'the chain head record is missing');
  else if (head.seq !== end.seq || head.hash !== end.hash) {
    walk.report(
      head.seq,
      `the newest entries were removed: the head names entry ${head.seq}, the log ends at ${end.seq}`,
    );
  }
  const report: VerifyReport = {
    ok: walk.problems.length === 0,
    entries: walk.entries,
    problems: walk.problems,
    throughSeq: head?.seq ?? end.seq,
  };
  if (archivedThrough !== undefined) report.archivedThrough = archivedThrough;
  return { walk, report };
}

/** Verifies the live chain; see walkAuditChain. */
export async function verifyAuditChain(db: Kysely<AuditTables>): Promise<VerifyReport> {
  return (await walkAuditChain(db)).report;
}
