/**
 * Decrypted data kept between requests, checked against a revision number the caller reads from the database on
 * every use, so a write by any process (each bumps the revision in its transaction) is seen at once. Entries are
 * dropped after `idleMs` without use and beyond `maxEntries` (least recently used first), which bounds how long and
 * how much plaintext stays in memory. The data keys that could decrypt all of it live in the same process, so the
 * cache adds no exposure to an attacker who can read its memory; `idleMs = 0` turns it off all the same.
 */
export interface RevisionCacheOptions {
  idleMs: number;
  maxEntries: number;
}

interface Entry<V> {
  revision: number;
  value: Promise<V>;
  usedAt: number;
}

export function createRevisionCache<V>(options: RevisionCacheOptions) {
  const entries = new Map<string, Entry<V>>();

  function evictIdle(now: number): void {
    for (const [key, entry] of entries) if (now - entry.usedAt > options.idleMs) entries.delete(key);
  }

  return {
    /**
     * The value for `key` at `revision`, loaded once however many requests ask at the same time. A load that fails
     * is forgotten, so the next request tries again. A revision read before loading can only label the value too
     * old, never too new: at worst a later request loads again.
     */
    get(key: string, revision: number, load: () => Promise<V>): Promise<V> {
      if (options.idleMs <= 0) return load();
      const now = Date.now();
      const found = entries.get(key);
      if (found && found.revision === revision && now - found.usedAt <= options.idleMs) {
        found.usedAt = now;
        // Re-inserting keeps the Map in least-recently-used order.
        entries.delete(key);
        entries.set(key, found);
        return found.value;
      }
      const entry: Entry<V> = { revision, usedAt: now, value: load() };
      entry.value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      entries.delete(key);
      entries.set(key, entry);
      evictIdle(now);
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
      return entry.value;
    },

    forget: (key: string) => void entries.delete(key),
    get size() {
      return entries.size;
    },
  };
}
