import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether the work running now (one HTTP request) has had a change committed. A failure after that commit must not
 * be reported as if nothing happened: the client would repeat a change that is already saved.
 */
export interface WriteOutcome {
  saved: boolean;
}

const current = new AsyncLocalStorage<WriteOutcome>();

/** Runs `work` (and everything it starts) noting in `outcome` each transaction that writes and commits. */
export function trackWrites<R>(outcome: WriteOutcome, work: () => R): R {
  return current.run(outcome, work);
}

/**
 * Called by the store after a COMMIT of a transaction that wrote. Writes outside a transaction are bookkeeping (a
 * token's last use, a session's expiry), never a change a client asked for, so they do not count.
 */
export function noteChangeSaved(): void {
  const outcome = current.getStore();
  if (outcome) outcome.saved = true;
}
