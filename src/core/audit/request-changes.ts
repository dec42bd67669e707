/**
 * Which requests appended a change to the audit log, so the HTTP core can fail a route that declares `changesData`
 * and answered 2xx without one (docs/audit.md §3). Keyed by the server's own per-request key (AuditActor.changeKey); an entry lives from the append until the
 * request's answer is checked. Requests that never reach the check (a dropped connection) are forgotten oldest first.
 */
export function createChangeLedger(capacity = 10_000) {
  const appended = new Map<string, number>();
  // Requests whose change entries are committed (not only appended): what a failure after the commit must admit. Kept
  // past `take`, which the change check does before a later hook may still fail the answer; the oldest are forgotten
  // beyond `capacity` (keys are never reused, so a stale one is only memory).
  const saved = new Set<string>();
  return {
    note(key: string | null, count: number): void {
      if (key === null || count === 0) return;
      appended.set(key, (appended.get(key) ?? 0) + count);
      if (appended.size > capacity) appended.delete(appended.keys().next().value as string);
    },
    /** Called once a transaction holding change entries of the request `key` has committed. */
    noteSaved(key: string): void {
      saved.add(key);
      if (saved.size > capacity) saved.delete(saved.values().next().value as string);
    },
    /** Whether a change of the request `key` is committed; asked when the request fails, before it is answered. */
    saved: (key: string): boolean => saved.has(key),
    /** How many change entries the request appended; forgets the request. */
    take(key: string): number {
      const n = appended.get(key) ?? 0;
      appended.delete(key);
      return n;
    },
  };
}
