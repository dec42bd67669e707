import { normalizePathArg } from './paths.js';
import type { HushClient } from './http.js';
import { targetQuery, type Target } from './target.js';

/** A secret as /v1/secrets/ returns it (docs/wire/phase.md §2.1), the fields the CLI uses. */
export interface PhaseSecret {
  id: string;
  key: string;
  value: string;
  comment: string;
  tags: string[];
  override: { value: string; isActive: boolean } | null;
  type: string;
  path: string;
  version: number;
  updatedAt: string;
}

export async function fetchSecrets(
  client: HushClient,
  target: Target,
  filter: { path?: string | undefined; tags?: string | undefined; key?: string | undefined } = {},
): Promise<PhaseSecret[]> {
  return client.request<PhaseSecret[]>('GET', '/v1/secrets/', {
    query: {
      ...targetQuery(target),
      path: filter.path === undefined ? undefined : normalizePathArg(filter.path),
      tags: filter.tags,
      key: filter.key,
    },
  });
}

/** A person's active override replaces the value for them, as Phase's CLI and SDKs do (docs/wire/phase.md §4.3). */
export const effectiveValue = (s: PhaseSecret): string => (s.override?.isActive ? s.override.value : s.value);

/**
 * Secrets → one value per key. A key present at several paths (possible when no --path narrows the read) takes the
 * value nearest the root, then the first path in alphabetical order; `warn` names the key, never a value.
 */
export function asVariables(secrets: PhaseSecret[], warn: (message: string) => void = () => {}): Map<string, string> {
  const chosen = new Map<string, PhaseSecret>();
  const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
  for (const s of secrets) {
    const held = chosen.get(s.key);
    if (!held) {
      chosen.set(s.key, s);
      continue;
    }
    const better = depth(s.path) < depth(held.path) || (depth(s.path) === depth(held.path) && s.path < held.path);
    const winner = better ? s : held;
    warn(`${s.key} exists at ${held.path} and ${s.path}; using ${winner.path} (narrow with --path)`);
    chosen.set(s.key, winner);
  }
  return new Map([...chosen].map(([k, s]) => [k, effectiveValue(s)]));
}
