import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (three levels above dist/src/core/, two above src/core/). */
export const HUSH_VERSION: string = (() => {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
})();
