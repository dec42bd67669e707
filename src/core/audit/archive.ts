import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { AuditAction } from '../names.js';
import type { AnyTables } from '../store/tx.js';
import { FIRST_STRIPE, GENESIS_HASH } from './chain.js';
import { KNOWN_SET_TTL_MS, setMembersOfRows } from './sets.js';
import type { AuditActor, AuditLog } from './log.js';
import type { AuditLogTable, AuditTables } from './tables.js';

// Entries read from the database and written to the file per step, so memory stays flat at any size.
const BATCH = 1000;

/** What the checkpoint entry records about the entries an archive removed (docs/audit.md §8). */
export interface ArchiveCheckpoint {
  archived_from_seq: number;
  archived_through_seq: number;
  /** The hash of entry `archived_through_seq`: the archive file's last line, and what the live chain links to. */
  archived_head_hash: string;
  entries: number;
  before: string;
  file: string;
  /**
   * Per stripe (by number), the hash its first entry left in the log links to: its last archived entry's, or for a
   * stripe this archive took nothing from, what the previous archive named. A stripe not listed starts from the
   * genesis hash. Absent in checkpoints written before stripes: the archived head was then the one chain's.
   */
  stripe_starts?: Record<string, string>;
}

export interface ArchiveResult {
  /** Entries moved to the file; 0 when none was older than `before` (then no file is written). */
  entries: number;
  checkpoint?: ArchiveCheckpoint & { seq: number };
}

/** Reads a checkpoint entry's details, or undefined when the entry is not one. */
export function checkpointOf(row: { engine: string; action: string; details: string }): ArchiveCheckpoint | undefined {
  if (row.engine !== 'core' || row.action !== AuditAction.auditArchive) return undefined;
  try {
    const d = JSON.parse(row.details) as Partial<ArchiveCheckpoint>;
    if (typeof d.archived_through_seq === 'number' && typeof d.archived_head_hash === 'string')
      return d as ArchiveCheckpoint;
  } catch {
    // An unreadable checkpoint is reported by verify as one that names nothing.
  }
  return undefined;
}

/** The hash each stripe's first remaining entry links to, after the archive that left `checkpoint`. */
export function stripeStartsOf(checkpoint: ArchiveCheckpoint): Map<number, string> {
  if (!checkpoint.stripe_starts || typeof checkpoint.stripe_starts !== 'object')
    return new Map([[FIRST_STRIPE, checkpoint.archived_head_hash]]);
  return new Map(
    Object.entries(checkpoint.stripe_starts)
      .filter(([, hash]) => typeof hash === 'string')
      .map(([stripe, hash]) => [Number(stripe), hash]),
  );
}

/** Test hooks: a smaller chunk, and a call after each chunk is in the file and before its entries are deleted. */
export interface ArchiveOptions {
  before: string;
  file: string;
  actor: AuditActor;
  /** Entries per transaction (default CHUNK). */
  chunk?: number;
  afterChunkWritten?: (chunk: number) => void | Promise<void>;
  /** The time now (tests); decides whether the cut is old enough to remove unnamed object sets. */
  now?: Date;
}

// Entries moved per transaction: the heads (on SQLite, the database's write lock) are held for one chunk at a time,
// so writers wait at most a chunk's copy, not the whole archive's.
const CHUNK = 10_000;

/** Locks every stripe's head, in ascending order (an append holds one, so this never deadlocks); the newest seq. */
async function lockEveryHead(trx: Kysely<AuditTables>): Promise<number> {
  const stripes = await trx.selectFrom('core_audit_head').select('id').orderBy('id').execute();
  let top = 0;
  for (const { id } of stripes) {
    const head = await trx
      .updateTable('core_audit_head')
      .set((eb) => ({ seq: eb.ref('seq') }))
      .where('id', '=', id)
      .returning('seq')
      .executeTakeFirstOrThrow();
    top = Math.max(top, head.seq);
  }
  return top;
}

/**
 * Moves the entries older than `before` (an ISO time) to `file`, one JSON object per line in chain order, and
 * removes them from the database. The archived part is always a prefix of the chain in `seq` order: it ends before
 * the first entry at or after `before`, as found when the archive starts.
 *
 * It goes in chunks of CHUNK entries, each one transaction holding every stripe's head: the chunk's lines are
 * appended to the file and synced, its entries deleted, and a checkpoint entry appended that names the file's range
 * so far (its first and last entry, the last one's hash) and per stripe the hash its first remaining entry links
 * to; so after every chunk the live chain verifies and the file can be checked against it.
 *
 * The first chunk is written next to the final name, synced and linked to it before any entry is deleted: the
 * entries are always in the database, the file, or both, never in neither. A chunk that fails before its commit
 * is cut from the file again (the file then ends at the last committed checkpoint, or is removed if none committed);
 * a failure of the commit itself keeps the lines, since the commit may have gone through (verify then reports an
 * overlap if it did not). An existing `file` is never overwritten.
 */
export async function archiveAuditLog(
  deps: { db: Kysely<AnyTables>; audit: Pick<AuditLog, 'appendWithin'> },
  options: ArchiveOptions,
): Promise<ArchiveResult> {
  const target = path.resolve(options.file);
  if (fs.existsSync(target))
    throw new HushError('conflict', `${target} already exists; an archive never overwrites a file`);
  const temp = `${target}.partial-${process.pid}`;
  // Whether sets left unnamed may lose their members (sets.ts KNOWN_SET_TTL_MS): only for a cut old enough.
  const setsMayGo = new Date(options.before).getTime() < (options.now ?? new Date()).getTime() - 2 * KNOWN_SET_TTL_MS;
  const chunkSize = options.chunk ?? CHUNK;
  let fd: number | undefined;
  let linked = false;
  // Bytes of the file that belong to committed chunks.
  let committedBytes = 0;
  let written = 0;
  let bound: number | undefined;
  let firstSeq: number | undefined;
  let entries = 0;
  let checkpoint: (ArchiveCheckpoint & { seq: number }) | undefined;
  try {
    for (let chunk = 1; ; chunk++) {
      let inCommit = false;
      const more = await deps.db
        .transaction()
        .execute(async (anyTrx): Promise<boolean> => {
          const trx = anyTrx as unknown as Kysely<AuditTables>;
          const top = await lockEveryHead(trx);
          const first = await trx
            .selectFrom('core_audit_log')
            .select((eb) => eb.fn.min('seq').as('seq'))
            .executeTakeFirstOrThrow();
          if (first.seq === null) return false;
          const from = Number(first.seq);
          if (bound === undefined) {
            // Once, at the start: the archive's own checkpoints (and everything else appended meanwhile) come after.
            const newer = await trx
              .selectFrom('core_audit_log')
              .select((eb) => eb.fn.min('seq').as('seq'))
              .where('at', '>=', options.before)
              .executeTakeFirstOrThrow();
            bound = newer.seq === null ? top : Number(newer.seq) - 1;
            firstSeq = from;
          }
          if (bound < from) return false;
          // Where each stripe starts now: what the newest checkpoint named (the genesis hash if none), moved along
          // by every entry archived below.
          const previous = await trx
            .selectFrom('core_audit_log')
            .select(['engine', 'action', 'details'])
            .where('engine', '=', 'core')
            .where('action', '=', AuditAction.auditArchive)
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst();
          const previousCheckpoint = previous && checkpointOf(previous);
          // Another archive (another node's retention) took the next stretch since this one's last chunk: this file
          // ends at its last checkpoint, and the other file continues it.
          if (
            checkpoint &&
            (previousCheckpoint?.file !== checkpoint.file ||
              previousCheckpoint.archived_through_seq !== checkpoint.archived_through_seq)
          )
            return false;
          const starts = previousCheckpoint ? stripeStartsOf(previousCheckpoint) : new Map<number, string>();

          fd ??= fs.openSync(temp, 'wx', 0o600);
          let through = from - 1;
          let lastHash = '';
          let taken = 0;
          while (taken < chunkSize) {
            const rows = await trx
              .selectFrom('core_audit_log')
              .selectAll()
              .where('seq', '>', through)
              .where('seq', '<=', bound)
              .orderBy('seq')
              .limit(Math.min(BATCH, chunkSize - taken))
              .execute();
            if (!rows.length) break;
            const text = Buffer.from((await archiveLines(trx, rows)).join(''));
            // `written` moves only by what reached the file: a short write (a full disk) never counts as archived.
            for (let at = 0; at < text.length;) {
              const n = fs.writeSync(fd, text, at);
              if (n <= 0) throw new Error(`${target}: the file took no more bytes`);
              at += n;
              written += n;
            }
            taken += rows.length;
            through = rows[rows.length - 1]!.seq;
            lastHash = rows[rows.length - 1]!.hash;
            for (const r of rows) starts.set(r.stripe, r.hash);
          }
          if (!taken) return false;
          fs.fsyncSync(fd);
          // What the deletes below rely on: every line of this chunk is on disk, after the committed ones.
          const size = fs.fstatSync(fd).size;
          if (size !== written) throw new Error(`${target} holds ${size} bytes where ${written} were written`);
          if (!linked) {
            // A link, unlike a rename, fails when the name is taken (EEXIST): two archives racing for one name
            // (several nodes' retention in the same second, two operators) never replace each other's file.
            fs.linkSync(temp, target);
            linked = true;
            fs.unlinkSync(temp);
            syncDirectory(path.dirname(target));
          }
          await options.afterChunkWritten?.(chunk);

          await trx.deleteFrom('core_audit_object').where('seq', '<=', through).execute();
          await deleteEntrySets(trx, through, setsMayGo);
          await trx.deleteFrom('core_audit_log').where('seq', '<=', through).execute();
          const details: ArchiveCheckpoint = {
            archived_from_seq: firstSeq!,
            archived_through_seq: through,
            archived_head_hash: lastHash,
            entries: entries + taken,
            before: options.before,
            file: path.basename(target),
            stripe_starts: Object.fromEntries(
              [...starts].filter(([, hash]) => hash !== GENESIS_HASH).sort(([a], [b]) => a - b),
            ),
          };
          await deps.audit.appendWithin(anyTrx, options.actor, [
            { engine: 'core', action: AuditAction.auditArchive, objectType: 'core.auditlog', details: { ...details } },
          ]);
          // The checkpoint names no object: it is in the first stripe, whose head is now the checkpoint.
          const head = await trx
            .selectFrom('core_audit_head')
            .select('seq')
            .where('id', '=', FIRST_STRIPE)
            .executeTakeFirstOrThrow();
          checkpoint = { ...details, seq: head.seq };
          entries += taken;
          inCommit = true;
          return through < bound;
        })
        .catch((e: unknown) => {
          // Rolled back for certain unless the commit itself failed: this chunk's lines go again.
          if (!inCommit && fd !== undefined && written > committedBytes) {
            fs.ftruncateSync(fd, committedBytes);
            fs.fsyncSync(fd);
            written = committedBytes;
          }
          throw e;
        });
      committedBytes = written;
      if (!more) break;
    }
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
    if (!entries) fs.rmSync(temp, { force: true });
    return entries && checkpoint ? { entries, checkpoint } : { entries: 0 };
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    if (!linked) fs.rmSync(temp, { force: true });
    // Nothing committed and nothing in doubt: no file, as for an archive that found nothing.
    else if (committedBytes === 0 && written === 0) fs.rmSync(target, { force: true });
    throw e;
  }
}

/**
 * The archive's lines for `rows`: each entry as stored, and one that names an object set also with the set's ids as
 * `objects` (not a column: the hash covers the set's id, which is their digest), so a file stands on its own after the
 * set's members are gone from the database, and `verify --archive` checks them against the id.
 */
async function archiveLines(trx: Kysely<AuditTables>, rows: readonly AuditLogTable[]): Promise<string[]> {
  const members = await setMembersOfRows(trx, rows);
  return rows.map((row, i) => `${JSON.stringify(members[i] ? { ...row, objects: members[i] } : row)}\n`);
}

// Set ids per statement when removing the members of sets no entry names any more.
const SETS_PER_STATEMENT = 500;

/**
 * Removes the object-set rows of the archived entries, and, when `setsMayGo`, the members of each of their sets that
 * no remaining entry names: the side tables shrink with the log, as `core_audit_object` does.
 */
async function deleteEntrySets(trx: Kysely<AuditTables>, through: number, setsMayGo: boolean): Promise<void> {
  const sets = setsMayGo
    ? (
        await trx.selectFrom('core_audit_entry_set').select('set_id').distinct().where('seq', '<=', through).execute()
      ).map((r) => r.set_id)
    : [];
  await trx.deleteFrom('core_audit_entry_set').where('seq', '<=', through).execute();
  for (let i = 0; i < sets.length; i += SETS_PER_STATEMENT) {
    const part = sets.slice(i, i + SETS_PER_STATEMENT);
    await trx
      .deleteFrom('core_audit_set_member')
      .where('set_id', 'in', part)
      .where('set_id', 'not in', (eb) =>
        eb.selectFrom('core_audit_entry_set').select('core_audit_entry_set.set_id').where('set_id', 'in', part),
      )
      .execute();
  }
}

/** Makes a rename durable: the directory entry is flushed, not only the file's data. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename itself still happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
