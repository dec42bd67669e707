import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { HushError } from '../errors.js';
import { AuditAction } from '../names.js';
import type { AnyTables } from '../store/tx.js';
import { FIRST_STRIPE, GENESIS_HASH } from './chain.js';
import type { AuditActor, AuditLog } from './log.js';
import type { AuditTables } from './tables.js';

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

/**
 * Moves the entries older than `before` (an ISO time) to `file`, one JSON object per line in chain order, and
 * removes them from the database, in one transaction holding every stripe's head (in ascending order, so it never
 * deadlocks with an append, which holds one): a checkpoint entry appended in the same transaction names the last
 * archived entry and its hash, and per stripe the hash its first remaining entry links to, so the live chain still
 * verifies and an archive file can be checked against it. The archived part is always a prefix of the chain in
 * `seq` order: it ends before the first entry at or after `before`.
 *
 * The file is written next to its final name, fsynced and renamed before the entries are deleted; a failure before
 * the rename removes the partial file, a later one keeps the complete file, and the database is as it was unless the
 * commit went through. An existing `file` is never overwritten.
 */
export async function archiveAuditLog(
  deps: { db: Kysely<AnyTables>; audit: Pick<AuditLog, 'appendWithin'> },
  options: { before: string; file: string; actor: AuditActor },
): Promise<ArchiveResult> {
  const target = path.resolve(options.file);
  if (fs.existsSync(target))
    throw new HushError('conflict', `${target} already exists; an archive never overwrites a file`);
  const temp = `${target}.partial-${process.pid}`;
  let fd: number | undefined;
  let renamed = false;
  try {
    const result = await deps.db.transaction().execute(async (anyTrx): Promise<ArchiveResult> => {
      const trx = anyTrx as unknown as Kysely<AuditTables>;
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
      const bounds = await trx
        .selectFrom('core_audit_log')
        .select((eb) => [
          eb.fn.min('seq').as('first'),
          eb
            .selectFrom('core_audit_log as n')
            .select((e) => e.fn.min('n.seq').as('m'))
            .where('n.at', '>=', options.before)
            .as('newer'),
        ])
        .executeTakeFirstOrThrow();
      if (bounds.first === null) return { entries: 0 };
      const first = Number(bounds.first);
      const through = bounds.newer === null ? top : Number(bounds.newer) - 1;
      if (through < first) return { entries: 0 };
      // Where each stripe starts now: what the newest checkpoint named (the genesis hash if none), moved along by
      // every entry archived below.
      const previous = await trx
        .selectFrom('core_audit_log')
        .select(['engine', 'action', 'details'])
        .where('engine', '=', 'core')
        .where('action', '=', AuditAction.auditArchive)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const previousCheckpoint = previous && checkpointOf(previous);
      const starts = previousCheckpoint ? stripeStartsOf(previousCheckpoint) : new Map<number, string>();

      fd = fs.openSync(temp, 'wx', 0o600);
      let lastHash = '';
      let entries = 0;
      for (let after = first - 1; after < through;) {
        const rows = await trx
          .selectFrom('core_audit_log')
          .selectAll()
          .where('seq', '>', after)
          .where('seq', '<=', through)
          .orderBy('seq')
          .limit(BATCH)
          .execute();
        if (!rows.length) break;
        fs.writeSync(fd, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        entries += rows.length;
        after = rows[rows.length - 1]!.seq;
        lastHash = rows[rows.length - 1]!.hash;
        for (const r of rows) starts.set(r.stripe, r.hash);
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = undefined;
      // The file takes its name before the entries are deleted: whatever happens to the commit, the entries are
      // then in the database, the file, or both, never in neither.
      // A link, unlike a rename, fails when the name is taken (EEXIST): two archives racing for one name (several
      // nodes' retention in the same second, two operators) never replace each other's file.
      fs.linkSync(temp, target);
      renamed = true;
      fs.unlinkSync(temp);
      syncDirectory(path.dirname(target));

      await trx.deleteFrom('core_audit_object').where('seq', '<=', through).execute();
      await trx.deleteFrom('core_audit_log').where('seq', '<=', through).execute();
      const checkpoint: ArchiveCheckpoint = {
        archived_from_seq: first,
        archived_through_seq: through,
        archived_head_hash: lastHash,
        entries,
        before: options.before,
        file: path.basename(target),
        stripe_starts: Object.fromEntries(
          [...starts].filter(([, hash]) => hash !== GENESIS_HASH).sort(([a], [b]) => a - b),
        ),
      };
      await deps.audit.appendWithin(anyTrx, options.actor, [
        { engine: 'core', action: AuditAction.auditArchive, objectType: 'core.auditlog', details: { ...checkpoint } },
      ]);
      // The checkpoint names no object: it is in the first stripe, whose head is now the checkpoint.
      const seq = (
        await trx.selectFrom('core_audit_head').select('seq').where('id', '=', FIRST_STRIPE).executeTakeFirstOrThrow()
      ).seq;
      return { entries, checkpoint: { ...checkpoint, seq } };
    });
    return result;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    // A complete archive is kept even when the transaction failed: its entries may also still be in the database
    // (a rollback), which verify reports as an overlap, but a commit whose answer was lost could have removed them.
    if (!renamed) fs.rmSync(temp, { force: true });
    throw e;
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
