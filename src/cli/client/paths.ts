/** `backend` and `/backend/` mean `/backend`, as the server normalizes them (docs/wire/phase.md §2.6). */
export function normalizePathArg(raw: string): string {
  let p = raw.replace(/\/{2,}/g, '/');
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}
