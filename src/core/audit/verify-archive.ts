import fs from 'node:fs';
import readline from 'node:readline';
import type { Kysely } from 'kysely';
import { stripeStartsOf } from './archive.js';
import { FIRST_STRIPE, GENESIS_HASH } from './chain.js';
import { AUDIT_LOG_COLUMNS, type AuditLogTable, type AuditTables } from './tables.js';
import { createChainWalk, walkAuditChain, type ChainWalk, type VerifyReport } from './verify.js';

export interface ArchiveReport {
  file: string;
  ok: boolean;
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  problems: { seq: number; problem: string }[];
}

/** One line of an archive as a row, or why it is not one. */
function rowOf(line: string): AuditLogTable | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  if (!value || typeof value !== 'object') return 'is not an entry';
  const row = value as Record<string, unknown>;
  // Archives written before stripes have no `stripe`: every entry was then in the first.
  const missing = AUDIT_LOG_COLUMNS.filter((c) => !(c in row) && c !== 'stripe');
  if (missing.length) return `lacks ${missing.join(', ')}`;
  if (typeof row.seq !== 'number') return 'has no numeric seq';
  if (row.stripe !== undefined && typeof row.stripe !== 'number') return 'has no numeric stripe';
  return {
    ...(Object.fromEntries(AUDIT_LOG_COLUMNS.map((c) => [c, row[c]])) as unknown as AuditLogTable),
    stripe: (row.stripe as number | undefined) ?? FIRST_STRIPE,
  };
}

/** Reads one archive file line by line (memory stays flat at any size) into a walk of its own. */
async function walkFile(file: string): Promise<ChainWalk> {
  const walk = createChainWalk();
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (!line.trim()) continue;
    const row = rowOf(line);
    if (typeof row === 'string') walk.report(walk.last ? walk.last.seq + 1 : 0, `line ${n} ${row}`);
    else walk.step(row);
  }
  return walk;
}

/**
 * Verifies archive files written by `hush admin audit archive` (docs/audit.md §8), oldest first, against each other
 * and the live chain: each file's entries must chain, stripe by stripe; a file starting at entry 1 starts from the
 * genesis hash, and each stripe of a later file links to where the one before left it; each file's last entry, and
 * each stripe's last entry in it, must be what a checkpoint in a later file or in the live chain names, so an
 * archive rewritten as a whole (hashes recomputed) is caught too. The live
 * chain is verified as by `verifyAuditChain`.
 */
export async function verifyAuditArchives(
  db: Kysely<AuditTables>,
  files: readonly string[],
): Promise<{ ok: boolean; archives: ArchiveReport[]; live: VerifyReport }> {
  const walks: ChainWalk[] = [];
  for (const file of files) walks.push(await walkFile(file));
  const live = await walkAuditChain(db);
  const segments = [...walks, live.walk];
  // The checkpoint (in a later file or the live log) that names each file's last entry and hash.
  const namers = walks.map((walk, i) => {
    const last = walk.last;
    if (!last) return undefined;
    for (const s of segments.slice(i + 1)) {
      const c = s.checkpoints.find((c) => c.archived_through_seq === last.seq && c.archived_head_hash === last.hash);
      if (c) return c;
    }
    return undefined;
  });
  const archives = files.map((file, i): ArchiveReport => {
    const walk = walks[i]!;
    const { first, last } = walk;
    const namer = namers[i];
    if (!first || !last) walk.report(0, 'holds no entries');
    else {
      if (first.seq === 1 && first.prev_hash !== GENESIS_HASH)
        walk.report(1, 'the first entry does not start from the genesis hash');
      const before = i > 0 ? walks[i - 1]!.last : undefined;
      if (before) {
        // Each stripe continues from where the previous file left it, as that file's checkpoint records.
        const previous = namers[i - 1];
        const starts = previous ? stripeStartsOf(previous) : new Map<number, string>();
        const broken =
          first.seq <= before.seq ||
          [...walk.firstOf].some(
            ([stripe, row]) =>
              row.prev_hash !== (starts.get(stripe) ?? walks[i - 1]!.lastOf.get(stripe)?.hash ?? GENESIS_HASH),
          );
        if (broken) walk.report(first.seq, `does not continue ${files[i - 1]} (its last entry is ${before.seq})`);
      }
      if (!namer)
        walk.report(
          last.seq,
          "no checkpoint in a later archive or in the live log names this file's last entry and hash: the file was changed, or is not an archive of this instance",
        );
      else if (namer.stripe_starts) {
        const starts = stripeStartsOf(namer);
        for (const [stripe, row] of walk.lastOf)
          if (starts.get(stripe) !== row.hash)
            walk.report(
              row.seq,
              `stripe ${stripe}: the checkpoint that names this file does not name this stripe's last entry: the file was changed`,
            );
      }
    }
    return {
      file,
      ok: walk.problems.length === 0,
      entries: walk.entries,
      firstSeq: first?.seq ?? null,
      lastSeq: last?.seq ?? null,
      problems: walk.problems,
    };
  });
  return { ok: live.report.ok && archives.every((a) => a.ok), archives, live: live.report };
}
