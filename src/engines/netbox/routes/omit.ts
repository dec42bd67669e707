import type { Query } from '../filters.js';

/**
 * NetBox 4.x's `?omit=a,b` (docs/wire/netbox.md §3.0 "Brief and field selection"), on the plugin's secret reads: the
 * named fields are left out of each object. Omitting `plaintext` also skips decrypting, so the read reveals nothing
 * and audits nothing: the console lists secrets that way and fetches one plaintext when asked, as NetBox's own UI
 * does. The legacy (2.x) API never had it, so there the parameter is an unknown filter, ignored.
 */
export function omitted(request: { query: unknown }, legacy: boolean): ReadonlySet<string> {
  if (legacy) return new Set();
  const raw = (request.query as Query).omit;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Set(values.flatMap((v) => v.split(',').map((f) => f.trim())).filter((f) => f && !KEPT.has(f)));
}

/** Always rendered: NetBox keeps the primary key, and these are the fields every form of a secret has. */
const KEPT = new Set(['id', 'url', 'display']);

/**
 * The objects without the omitted fields. Typed as the full objects: what goes is only ever an optional field of the
 * response schema (the required ones are KEPT), which is what the serializer checks.
 */
export function withoutFields<T extends object>(items: T[], omit: ReadonlySet<string>): T[] {
  if (!omit.size) return items;
  return items.map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => !omit.has(k))) as T);
}
