import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A file of the console's build, read at its first request and kept with its gzip. */
export interface BuiltFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
}

/**
 * How often a request may look at the disk for a new build. Serving itself touches no file: the build's listing
 * (names, sizes, times) is taken at start and re-taken only when `index.html` changed or an asset is missing, at
 * most once per interval; so a `npm run build` while the server runs is picked up within it, and a flood of
 * requests costs no system call each (the per-request `stat` this replaces).
 */
export const BUILD_RECHECK_MS = 2000;

interface Listing {
  /** `mtime:size` of index.html, or undefined when there is no build. */
  readonly stamp: string | undefined;
  /** Absolute path → `mtime:size`, for index.html and every regular file directly in assets/. */
  readonly files: ReadonlyMap<string, string>;
}

const stampOf = (stat: fs.Stats) => `${stat.mtimeMs}:${stat.size}`;

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function list(dir: string): Listing {
  const index = path.join(dir, 'index.html');
  const indexStat = statOrUndefined(index);
  const files = new Map<string, string>();
  if (indexStat?.isFile()) files.set(index, stampOf(indexStat));
  const assets = path.join(dir, 'assets');
  let names: string[] = [];
  try {
    names = fs.readdirSync(assets);
  } catch {
    // no assets directory: nothing to serve from it
  }
  for (const name of names) {
    const stat = statOrUndefined(path.join(assets, name));
    if (stat?.isFile()) files.set(path.join(assets, name), stampOf(stat));
  }
  return { stamp: indexStat?.isFile() ? stampOf(indexStat) : undefined, files };
}

/** The built console in `dir` (index.html and assets/), as `installConsole` serves it. */
export function builtConsoleFiles(dir: string, options: { recheckMs?: number } = {}) {
  const recheckMs = options.recheckMs ?? BUILD_RECHECK_MS;
  let listing = list(dir);
  let checkedAt = Date.now();
  const contents = new Map<string, BuiltFile & { stamp: string }>();

  /** Re-lists the build if the interval has passed and `index.html` changed (or `force`, for a missing asset). */
  function recheck(force: boolean): void {
    const now = Date.now();
    if (now - checkedAt < recheckMs) return;
    checkedAt = now;
    const indexStat = statOrUndefined(path.join(dir, 'index.html'));
    const stamp = indexStat?.isFile() ? stampOf(indexStat) : undefined;
    if (!force && stamp === listing.stamp) return;
    listing = list(dir);
    // Contents of files that are gone or changed go with the old listing.
    for (const [file, kept] of contents) if (listing.files.get(file) !== kept.stamp) contents.delete(file);
  }

  return {
    /** Whether there is a build at all (index.html present), as of the last look. */
    built(): boolean {
      recheck(false);
      return listing.stamp !== undefined;
    },

    /** The file at `file` (an absolute path inside `dir`), or undefined when the build has no such file. */
    get(file: string): BuiltFile | undefined {
      recheck(false);
      let stamp = listing.files.get(file);
      if (stamp === undefined) {
        // A build written while the last listing was taken may have added it since.
        recheck(true);
        stamp = listing.files.get(file);
        if (stamp === undefined) return undefined;
      }
      const kept = contents.get(file);
      if (kept?.stamp === stamp) return kept;
      let body: Buffer;
      try {
        body = fs.readFileSync(file);
      } catch {
        return undefined; // removed since the listing: a rebuild under way
      }
      const compressible = /\.(js|css|svg|html|json|txt)$/.test(file) && body.length > 1024;
      const entry = { stamp, body, gzip: compressible ? gzipSync(body, { level: 9 }) : undefined };
      contents.set(file, entry);
      return entry;
    },
  };
}
