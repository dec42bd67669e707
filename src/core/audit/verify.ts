import type { Kysely } from 'kysely';
import { entryHash, GENESIS_HASH } from './chain.js';
import type { AuditTables } from './tables.js';

export interface VerifyReport {
  ok: boolean;
  entries: number;
  /** The first few breaks found, in chain order. */
  problems: { seq: number; problem: string }[];
}

const BATCH = 1000;
const MAX_PROBLEMS = 20;

/**
 * Walks the chain from the first entry: each entry must follow the previous one (no gap in `seq`), name the
 * previous hash, and hash to what it says. The head row must match the last entry, which catches deleted tails.
 */
export async function verifyAuditChain(db: Kysely<AuditTables>): Promise<VerifyReport> {
  const problems: VerifyReport['problems'] = [];
  const report = (seq: number, problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, problem });
  };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('core_audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    if (!rows.length) break;
    for (const row of rows) {
      entries += 1;
      if (row.seq !== expectedSeq) report(row.seq, `entries ${expectedSeq}..${row.seq - 1} are missing`);
      if (row.prev_hash !== prevHash) report(row.seq, 'does not link to the previous entry (prev_hash differs)');
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) report(row.seq, 'was modified (its hash does not match its contents)');
      prevHash = hash;
      expectedSeq = row.seq + 1;
    }
  }
  const head = await db.selectFrom('core_audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head) report(0, 'the chain head record is missing');
  else if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
    report(
      head.seq,
      `the newest entries were removed: the head names entry ${head.seq}, the log ends at ${expectedSeq - 1}`,
    );
  }
  return { ok: problems.length === 0, entries, problems };
}
