import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

// How often the checkpointer copies the WAL into the database.
const CHECKPOINT_INTERVAL_MS = 250;
// While it runs, a commit checkpoints by itself only past this many WAL pages (~80 MB). Under steady writes a WAL
// whose frames are all copied is still never started over (a writer restarts it only when nothing is left to copy
// at the moment it begins), so it grows to this bound; the commit there finds nearly every frame copied already, and
// the next writer starts the WAL over. A bound of 4,000 pages made that commit's sync (~14 ms) five times as
// frequent, a quarter of all commit time (issue 18). SQLite's default, restored if the checkpointer stops, is 1,000.
const BACKSTOP_PAGES = 20_000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the commit that takes the WAL past 1,000 pages copies
 * them into the database file and syncs it, in the committing call: under a read load with an audit entry per read,
 * one commit in forty took 15–25 ms on the event loop, two thirds of all the time spent committing (issue 18). A
 * worker thread with its own connection does that work instead; commits only append to the WAL.
 */
export function startWalCheckpointer(database: SQLite.Database, file: string): { stop(): Promise<void> } {
  const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
    workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  let stopped = false;
  let exited = false;
  database.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const fallBack = () => {
    if (stopped || !database.open) return;
    try {
      database.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // The connection is busy (an open iterator): its next commit still checkpoints past the backstop.
    }
  };
  // A worker that fails to start or dies leaves checkpoints to the commits again, as SQLite does by default.
  worker.on('error', fallBack);
  worker.on('exit', () => {
    exited = true;
    fallBack();
  });
  worker.unref();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // A worker that is gone already (it failed to start, or died) emits no second exit.
      if (exited) return;
      const done = new Promise((resolve) => worker.once('exit', resolve));
      // Unreferenced, the worker would not keep the process alive while it is awaited: a caller waiting for it to
      // close (a start that failed, reporting why) would see the process end first, silently, with status 0.
      worker.ref();
      worker.postMessage('stop');
      await done;
    },
  };
}
