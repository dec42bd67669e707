/**
 * The object ids an entry is about, each once: its own `object_id` and the ids a read of many names in
 * `details.objects` (readOfMany). They go into `core_audit_object`, the side table an `object_id` search reads
 * through its primary key instead of scanning every entry's details.
 */
export function objectIdsOf(objectId: string | null, details: Record<string, unknown> | undefined): string[] {
  const ids = new Set<string>();
  if (objectId !== null) ids.add(objectId);
  const many = details?.objects;
  if (Array.isArray(many))
    for (const id of many) if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
  return [...ids];
}

/** The ids a read of many names in `details.objects`, each once, as text: what its object set holds. */
export function listedObjectIds(details: Record<string, unknown> | undefined): string[] {
  return objectIdsOf(null, details);
}
