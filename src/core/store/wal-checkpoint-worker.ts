import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/**
 * The SQLite checkpointer's thread (wal-checkpointer.ts): its own connection copies committed WAL frames into the
 * database file every `intervalMs`, PASSIVE, so it never waits for or blocks the server's readers and writers.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const database = new SQLite(file, { fileMustExist: true });

const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or out of space: the frames stay in the WAL, where they are safe, and the next turn tries again.
  }
}, intervalMs);

parentPort!.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort!.close();
});
