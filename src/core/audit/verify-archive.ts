import fs from 'node:fs';
import readline from 'node:readline';
import type { Kysely } from 'kysely';
import { stripeStartsOf, type ArchiveCheckpoint } from './archive.js';
import { FIRST_STRIPE, GENESIS_HASH } from './chain.js';
import { objectSetOf, objectSetProblem } from './sets.js';
import { AUDIT_LOG_COLUMNS, type AuditLogTable, type AuditTables } from './tables.js';
import { createChainWalk, walkAuditChain, type ChainWalk, type VerifyReport } from './verify.js';

export interface ArchiveReport {
  file: string;
  ok: boolean;
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  problems: { seq: number; problem: string }[];
  /** Findings that do not make the file untrustworthy (the remains of an archive that stopped). */
  warnings: string[];
}

/** One line of an archive as a row (with the ids of the object set it names, if any), or why it is not one. */
function rowOf(line: string): { row: AuditLogTable; objects: unknown } | string {
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
    row: {
      ...(Object.fromEntries(AUDIT_LOG_COLUMNS.map((c) => [c, row[c]])) as unknown as AuditLogTable),
      stripe: (row.stripe as number | undefined) ?? FIRST_STRIPE,
    },
    objects: row.objects,
  };
}

// Lines after a file's last archived entry kept for the check that they are elsewhere: one chunk of an archive that
// stopped before its commit (archive.ts CHUNK is 10,000). More than this is not such a remnant.
const MAX_TAIL = 20_000;

/** A file's walk, and where the archive that wrote it committed last: the newest checkpoint naming one of its lines. */
interface FileWalk {
  file: string;
  walk: ChainWalk;
  /** The checkpoint naming the file's last archived entry (seq and hash), if any later segment holds one. */
  namer: ArchiveCheckpoint | undefined;
  /** The file's last archived entry, and each stripe's last entry up to it. */
  end: { last: AuditLogTable; lastOf: Map<number, AuditLogTable> } | undefined;
  /** Lines after `end` (all lines without a namer), or undefined when there are more than MAX_TAIL. */
  tail: AuditLogTable[] | undefined;
}

function eachLine(file: string): AsyncIterable<string> {
  return readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
}

/**
 * Reads one archive file line by line (memory stays flat at any size) into a walk of its own, noting the newest line
 * that a checkpoint of a later segment (`named`, by archived_through_seq) names with its hash.
 */
async function walkFile(file: string, named: Map<number, ArchiveCheckpoint[]>): Promise<FileWalk> {
  const walk = createChainWalk();
  const found: FileWalk = { file, walk, namer: undefined, end: undefined, tail: [] };
  let n = 0;
  for await (const line of eachLine(file)) {
    n += 1;
    if (!line.trim()) continue;
    const read = rowOf(line);
    if (typeof read === 'string') {
      walk.report(walk.last ? walk.last.seq + 1 : 0, `line ${n} ${read}`);
      continue;
    }
    const { row } = read;
    walk.step(row);
    // The line carries the ids of the object set the entry names (archive.ts), which must still be that set.
    const ref = objectSetOf(row.details);
    const ids = Array.isArray(read.objects) ? read.objects.filter((id) => typeof id === 'string') : undefined;
    const problem = ref && objectSetProblem(ref, ids);
    if (problem) walk.report(row.seq, `line ${n} ${problem}`);
    const namer = named.get(row.seq)?.find((c) => c.archived_head_hash === row.hash);
    if (namer) {
      found.namer = namer;
      found.end = { last: row, lastOf: new Map(walk.lastOf) };
      found.tail = [];
    } else if (found.tail && found.tail.length < MAX_TAIL) found.tail.push(row);
    else found.tail = undefined;
  }
  return found;
}

/** Of `rows`, those the live log holds with the same hash. */
async function inLiveLog(db: Kysely<AuditTables>, rows: readonly AuditLogTable[]): Promise<Set<number>> {
  const held = new Set<number>();
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const live = await db
      .selectFrom('core_audit_log')
      .select(['seq', 'hash'])
      .where(
        'seq',
        'in',
        part.map((r) => r.seq),
      )
      .execute();
    const hashes = new Map(live.map((r) => [r.seq, r.hash] as const));
    for (const r of part) if (hashes.get(r.seq) === r.hash) held.add(r.seq);
  }
  return held;
}

/** Of `rows`, those `file` holds with the same hash (a second read of that file, only after an interrupted archive). */
async function inFile(file: string, rows: readonly AuditLogTable[]): Promise<Set<number>> {
  const wanted = new Map(rows.map((r) => [r.seq, r.hash] as const));
  const held = new Set<number>();
  for await (const line of eachLine(file)) {
    const read = line.trim() ? rowOf(line) : undefined;
    if (read && typeof read !== 'string' && wanted.get(read.row.seq) === read.row.hash) held.add(read.row.seq);
  }
  return held;
}

/**
 * Verifies archive files written by `hush admin audit archive` (docs/audit.md §8), oldest first, against each other
 * and the live chain:
 * - each file's entries chain, stripe by stripe;
 * - the file's archived part ends at an entry (seq and hash) that a checkpoint in a later file or in the live log
 *   names, and every stripe's last entry there is what that checkpoint records, so a file rewritten as a whole (its
 *   hashes recomputed) is caught; it starts where that checkpoint says the archive started;
 * - each stripe of the first file starts from the genesis hash or from what the newest earlier checkpoint records
 *   for it, and each stripe of a later file from where the file before left it;
 * - lines after the archived part (an archive stopped between writing a chunk and committing it) are a warning when
 *   the live log or the next file holds every one of them, and a problem otherwise.
 * The live chain is verified as by `verifyAuditChain`.
 */
export async function verifyAuditArchives(
  db: Kysely<AuditTables>,
  files: readonly string[],
): Promise<{ ok: boolean; archives: ArchiveReport[]; live: VerifyReport }> {
  const live = await walkAuditChain(db);
  // Newest first, so that the checkpoints of every later segment are known when a file is read.
  const named = new Map<number, ArchiveCheckpoint[]>();
  const learn = (walk: ChainWalk) => {
    for (const c of walk.checkpoints)
      named.set(c.archived_through_seq, [...(named.get(c.archived_through_seq) ?? []), c]);
  };
  learn(live.walk);
  const walks: FileWalk[] = [];
  for (const file of [...files].reverse()) {
    const walked = await walkFile(file, named);
    learn(walked.walk);
    walks.unshift(walked);
  }
  const allCheckpoints = [...walks.flatMap((w) => w.walk.checkpoints), ...live.walk.checkpoints];

  const archives: ArchiveReport[] = [];
  // The last file before this one that holds archived entries, which this one continues.
  let previous: FileWalk | undefined;
  for (const [i, fw] of walks.entries()) {
    const { walk, namer, end } = fw;
    const warnings: string[] = [];
    const { first, last } = walk;
    if (!first || !last) walk.report(0, 'holds no entries');
    else {
      await checkTail(db, fw, walks[i + 1]?.file, warnings);
      if (namer && end) {
        checkStart(fw, previous, allCheckpoints);
        if (typeof namer.archived_from_seq === 'number' && first.seq !== namer.archived_from_seq)
          walk.report(
            first.seq,
            `the file starts at entry ${first.seq}, but its archive started at entry ${namer.archived_from_seq}: lines were removed from or added to its start`,
          );
        if (namer.stripe_starts) {
          const starts = stripeStartsOf(namer);
          for (const [stripe, row] of end.lastOf)
            if (starts.get(stripe) !== row.hash)
              walk.report(
                row.seq,
                `stripe ${stripe}: the checkpoint that names this file does not name this stripe's last entry: the file was changed`,
              );
        }
        previous = fw;
      }
    }
    archives.push({
      file: fw.file,
      ok: walk.problems.length === 0,
      entries: walk.entries,
      firstSeq: first?.seq ?? null,
      lastSeq: last?.seq ?? null,
      problems: walk.problems,
      warnings,
    });
  }
  return { ok: live.report.ok && archives.every((a) => a.ok), archives, live: live.report };
}

/**
 * The lines after a file's archived part must all be somewhere else: an archive that stopped after writing a chunk
 * and before committing it left them in the file while they stayed in the database (where the next archive may
 * since have taken them, into the next file). Without any archived part, the file is such a chunk alone.
 */
async function checkTail(
  db: Kysely<AuditTables>,
  fw: FileWalk,
  nextFile: string | undefined,
  warnings: string[],
): Promise<void> {
  const { walk, tail, end } = fw;
  if (tail && !tail.length) return;
  let missing = tail;
  if (tail) {
    const held = await inLiveLog(db, tail);
    missing = tail.filter((r) => !held.has(r.seq));
    if (missing.length && nextFile) {
      const inNext = await inFile(nextFile, missing);
      missing = missing.filter((r) => !inNext.has(r.seq));
    }
  }
  if (tail && !missing?.length) {
    warnings.push(
      end
        ? `the ${tail.length} lines after entry ${end.last.seq} were written by an archive that stopped before it committed them: those entries are still in the live log${nextFile ? ' or the next file' : ''}, and this file's archive ends at entry ${end.last.seq}`
        : `holds no archived entries: an archive that stopped before its first commit wrote it, and every one of its ${tail.length} entries is still in the live log${nextFile ? ' or the next file' : ''}; the file can be removed`,
    );
    return;
  }
  const at = end ? end.last.seq : walk.last!.seq;
  walk.report(
    at,
    end
      ? `${missing ? missing.length : `more than ${MAX_TAIL}`} lines after the last archived entry (${end.last.seq}) are neither in the live log nor in the next file: the file was changed`
      : "no checkpoint in a later archive or in the live log names this file's last entry and hash: the file was changed, or is not an archive of this instance",
  );
}

/**
 * Where each stripe of a file's archived part may start: where the file before it left that stripe, as the checkpoint
 * naming that file records; for the first file given, what the newest checkpoint older than the file's first entry
 * records (an earlier archive's), or the genesis hash.
 */
function checkStart(
  fw: FileWalk,
  previous: FileWalk | undefined,
  checkpoints: readonly (ArchiveCheckpoint & { seq: number })[],
): void {
  const { walk, end } = fw;
  const first = walk.first!;
  let starts: Map<number, string>;
  let fallback: Map<number, AuditLogTable> | undefined;
  if (previous?.namer && previous.end) {
    starts = stripeStartsOf(previous.namer);
    fallback = previous.end.lastOf;
    if (first.seq <= previous.end.last.seq) {
      walk.report(
        first.seq,
        `does not continue ${previous.file} (its last archived entry is ${previous.end.last.seq})`,
      );
      return;
    }
  } else {
    const earlier = checkpoints
      .filter((c) => c.archived_through_seq < first.seq)
      .sort((a, b) => a.archived_through_seq - b.archived_through_seq)
      .pop();
    starts = earlier ? stripeStartsOf(earlier) : new Map();
  }
  for (const [stripe, row] of walk.firstOf) {
    if (row.seq > end!.last.seq) continue;
    const expected = starts.get(stripe) ?? fallback?.get(stripe)?.hash ?? GENESIS_HASH;
    if (row.prev_hash === expected) continue;
    walk.report(
      row.seq,
      previous
        ? `stripe ${stripe}: does not continue ${previous.file} (prev_hash differs from where that file left the stripe)`
        : `stripe ${stripe}: the oldest entries were removed: its first entry links neither to the genesis hash nor to what an earlier archive's checkpoint records`,
    );
  }
}
