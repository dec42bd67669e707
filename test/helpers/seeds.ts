import path from 'node:path';

/**
 * Copies of the upstream documentation pages that the conformance tests replay (docs/README.md, "The seeds"). They
 * are other projects' text, so the repository does not hold them: `HUSH_SEEDS_DIR` names a directory that does.
 */
const SEEDS_DIR = process.env.HUSH_SEEDS_DIR || undefined;

/** Where the seed `name` is expected (meaningful only when `seedSkip` says the tests can run). */
export function seedPath(name: string): string {
  return path.resolve(SEEDS_DIR ?? '.', name);
}

/**
 * A `skip` reason for tests that need these seed files, or false when they must run. Once `HUSH_SEEDS_DIR` is set
 * (CI sets it) the tests always run, so a missing seed fails loudly instead of skipping a conformance suite.
 */
export function seedSkip(..._files: string[]): string | false {
  if (!SEEDS_DIR) return 'HUSH_SEEDS_DIR is not set (see docs/README.md, "The seeds")';
  return false;
}
