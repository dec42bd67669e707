import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { AnyTables } from '../store/tx.js';
import { archiveAuditLog, type ArchiveResult } from './archive.js';
import { systemActor, type AuditLog } from './log.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a server looks for entries past the retention: the oldest kept entry is at most this much older. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** The file one retention run writes: named for the cut, so runs never collide and sort in chain order. */
export function retentionFileName(before: string, now: Date): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // The random part keeps names apart when several nodes sharing the directory run in the same second.
  return `audit-before-${compact(before)}-at-${compact(now.toISOString())}-${randomBytes(3).toString('hex')}.jsonl`;
}

/** One retention run: archives the entries older than `days` into `dir` (created 0700 if missing). */
export async function applyAuditRetention(
  deps: { db: Kysely<AnyTables>; audit: Pick<AuditLog, 'appendWithin'> },
  options: { days: number; dir: string; now?: Date },
): Promise<ArchiveResult & { file?: string }> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - options.days * DAY_MS).toISOString();
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dir, retentionFileName(before, now));
  const result = await archiveAuditLog(deps, {
    before,
    file,
    actor: { ...systemActor, username: 'hush:retention' },
  });
  return result.entries ? { ...result, file } : result;
}

/**
 * Runs retention now and then hourly until stopped. Every server of a shared database may run it: holding every stripe's head
 * makes one of them archive a given stretch, the others find nothing older and write no file. Each server writes
 * into its own HUSH_AUDIT_ARCHIVE_DIR, so with several servers the archives are spread over their machines (or one
 * shared directory). A failed run is reported and retried at the next interval; nothing is removed unarchived.
 */
export function startAuditRetention(
  deps: { db: Kysely<AnyTables>; audit: Pick<AuditLog, 'appendWithin'> },
  options: { days: number; dir: string },
  report: (outcome: { error?: unknown; result?: ArchiveResult & { file?: string } }) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = applyAuditRetention(deps, options).then(
      (result) => report({ result }),
      (error: unknown) => report({ error }),
    );
    void running.finally(() => (running = undefined));
  };
  const timer = setInterval(run, RETENTION_INTERVAL_MS);
  timer.unref();
  setImmediate(run);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
