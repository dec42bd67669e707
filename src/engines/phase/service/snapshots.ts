import { createRevisionCache, type Db } from '../../../core/ports.js';
import { REFERENCE } from '../references.js';
import type { EnvRow, SecretRow } from '../repo.js';
import type { PhaseTables } from '../tables.js';
import type { PhaseContext } from './context.js';
import type { SecretWriter } from './writer.js';

/** A live secret with its content decrypted (references not yet resolved) and its tags. Shared: never mutate. */
export interface OpenedSecret {
  readonly row: SecretRow;
  readonly key: string;
  readonly value: string;
  readonly comment: string;
  /** Frozen: the same array goes into every answer built from this snapshot. */
  readonly tags: string[];
}

export interface EnvironmentSnapshot {
  readonly secrets: readonly OpenedSecret[];
  /** By `path + NUL + keyDigest`, the place a reference names. */
  readonly byPlace: ReadonlyMap<string, OpenedSecret>;
  /** No value references another environment (`${ENV.KEY}`, `${APP::ENV.KEY}`): resolving needs no access check. */
  readonly referencesStayInside: boolean;
  /** Something derived from this revision only, computed once (e.g. an answer that is the same for every caller). */
  memo<T>(name: string, compute: () => Promise<T>): Promise<T>;
}

export const placeOf = (path: string, digest: string) => `${path}\u0000${digest}`;

/** Whether a value may name another environment: any reference with `.` or `::` (references.ts syntax). */
function leavesEnvironment(value: string): boolean {
  for (const match of value.matchAll(REFERENCE)) if (/[.]|::/.test(match[1]!)) return true;
  return false;
}

// Environments kept at once; a deploy wave reads a handful, so this bounds memory rather than shaping hit rates.
const MAX_ENVIRONMENTS = 256;

/**
 * Every live secret of an environment, decrypted once per revision of the environment (see core/cache): a deploy
 * wave reading one environment from many machines pays for its decryptions once, and references into it are
 * looked up in memory. The revision comes with the environment row each request reads anyway.
 */
export function createSnapshots(pc: PhaseContext, writer: SecretWriter) {
  const cache = createRevisionCache<EnvironmentSnapshot>({
    idleMs: pc.ctx.config.plaintextCacheSeconds * 1000,
    maxEntries: MAX_ENVIRONMENTS,
  });

  /** Decrypts rows and attaches their tags (one query for all). */
  async function open(rows: SecretRow[], trx?: Db<PhaseTables>): Promise<OpenedSecret[]> {
    const tags = await pc.repo.tagsOf(
      rows.map((r) => r.id),
      trx,
    );
    return Promise.all(
      rows.map(async (row) => {
        const content = await writer.open(row);
        return Object.freeze({
          row,
          key: content.key,
          value: content.value,
          comment: content.comment,
          tags: Object.freeze(tags.get(row.id) ?? []) as string[],
        });
      }),
    );
  }

  async function load(env: EnvRow): Promise<EnvironmentSnapshot> {
    const secrets = await open(await pc.repo.secrets(env.id, {}));
    const memos = new Map<string, Promise<unknown>>();
    return {
      secrets,
      byPlace: new Map(secrets.map((s) => [placeOf(s.row.path, s.row.key_digest), s])),
      referencesStayInside: secrets.every((s) => !leavesEnvironment(s.value)),
      memo<T>(name: string, compute: () => Promise<T>): Promise<T> {
        let found = memos.get(name);
        if (!found) {
          found = compute();
          found.catch(() => memos.delete(name));
          memos.set(name, found);
        }
        return found as Promise<T>;
      },
    };
  }

  return {
    open,
    /** `env` must have been read from the database for this request: its revision decides whether to reload. */
    of: (env: EnvRow) => cache.get(env.id, env.revision, () => load(env)),
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;
