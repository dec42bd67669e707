/**
 * Phase's `normalize_path_string` (docs/wire/phase.md §2.6): collapse `//`, add a leading `/`, drop one trailing
 * `/`. Hush is stricter than Phase only where Phase answers 500 or stores nonsense: `.`/`..` segments and segments
 * over 64 characters are refused by the caller of `pathProblem`.
 */
export function normalizePath(raw: string): string {
  let p = raw.replace(/\/{2,}/g, '/');
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function pathProblem(path: string): string | undefined {
  if (path.length > 1024) return 'path is longer than 1024 characters';
  for (const segment of path.split('/').slice(1)) {
    if (segment === '.' || segment === '..') return "path segments '.' and '..' are not allowed";
    if (segment.length > 64) return 'each path segment may have at most 64 characters';
  }
  return undefined;
}
