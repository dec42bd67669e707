import type { Caller } from '../../core/ports.js';
import { normalizePath } from './paths.js';
import type { EnvRow } from './repo.js';

/**
 * Server-side secret references (docs/wire/phase.md §4.1): `${KEY}`, `${/path/KEY}`, `${ENV.KEY}`,
 * `${ENV./path/KEY}`, `${APP::ENV.KEY}`. Each referenced value is resolved in turn (depth ≤ 25); a reference that
 * cannot be resolved (missing, ambiguous, cyclic, no SSE) stays as written. When the caller may not read a
 * referenced environment (its secrets, and its app, as Phase's SDKs need to resolve it: `canRead`), resolution stops
 * there and that reference and every later one stay as written.
 * `${{…}}` belongs to the lists engine's templates and is never touched.
 */
export const REFERENCE = /\$\{(?!\{)([^{}]*)\}/g;
const MAX_DEPTH = 25;

export interface ReferenceTarget {
  env: EnvRow;
  path: string;
  /** The key as written: Phase hashes it unchanged, so `${db_host}` does not find `DB_HOST`. */
  key: string;
}

export interface ResolverDeps {
  envByName(appId: string, name: string): Promise<EnvRow | undefined>;
  /** The env of an SSE app with this name, or undefined when there is none or more than one app has it. */
  envInAppByName(appName: string, envName: string): Promise<EnvRow | undefined>;
  /** The caller may resolve references into `env`, another environment than the referencing secret's. */
  canRead(caller: Caller, env: EnvRow): Promise<boolean>;
  /** The raw (unresolved) value of the live secret at that place, with its identity for cycle detection. */
  lookup(target: ReferenceTarget): Promise<{ identity: string; value: string } | undefined>;
}

function splitPathAndKey(rest: string): { path: string; key: string } | undefined {
  const slash = rest.lastIndexOf('/');
  const key = rest.slice(slash + 1);
  if (!key) return undefined;
  return { path: slash <= 0 ? '/' : normalizePath(rest.slice(0, slash)), key };
}

async function locate(deps: ResolverDeps, body: string, here: EnvRow): Promise<ReferenceTarget | undefined> {
  const cross = body.indexOf('::');
  if (cross >= 0) {
    const app = body.slice(0, cross);
    const rest = body.slice(cross + 2);
    const dot = rest.indexOf('.');
    if (!app || dot <= 0) return undefined;
    const env = await deps.envInAppByName(app, rest.slice(0, dot));
    const pk = env && splitPathAndKey(rest.slice(dot + 1));
    return env && pk ? { env, ...pk } : undefined;
  }
  const dot = body.indexOf('.');
  if (dot >= 0) {
    const envName = body.slice(0, dot);
    if (!envName || envName.includes('/')) return undefined;
    const env = await deps.envByName(here.app_id, envName);
    const pk = env && splitPathAndKey(body.slice(dot + 1));
    return env && pk ? { env, ...pk } : undefined;
  }
  const pk = splitPathAndKey(body);
  return pk ? { env: here, ...pk } : undefined;
}

export function createResolver(deps: ResolverDeps) {
  async function resolveIn(
    value: string,
    here: EnvRow,
    seen: ReadonlySet<string>,
    depth: number,
    state: { stopped: boolean; caller: Caller | null },
  ): Promise<string> {
    if (depth > MAX_DEPTH || !value.includes('${')) return value;
    let out = '';
    let last = 0;
    for (const match of value.matchAll(REFERENCE)) {
      out += value.slice(last, match.index);
      last = match.index! + match[0].length;
      out += await resolveOne(match[0], match[1]!, here, seen, depth, state);
    }
    return out + value.slice(last);
  }

  async function resolveOne(
    text: string,
    body: string,
    here: EnvRow,
    seen: ReadonlySet<string>,
    depth: number,
    state: { stopped: boolean; caller: Caller | null },
  ): Promise<string> {
    if (state.stopped) return text;
    const target = await locate(deps, body, here);
    if (!target) return text;
    if (state.caller && target.env.id !== here.id && !(await deps.canRead(state.caller, target.env))) {
      state.stopped = true;
      return text;
    }
    const found = await deps.lookup(target);
    if (!found || seen.has(found.identity)) return text;
    return resolveIn(found.value, target.env, new Set([...seen, found.identity]), depth + 1, state);
  }

  return {
    /**
     * Resolves the references in `value`, a secret of `env` known as `identity`. With `caller`, references into
     * environments the caller may not read stop the resolution (every /v1 answer, GET, POST and PUT alike);
     * without, nothing is checked: only for answers whose references never leave `env` (one text for every caller).
     */
    resolve: (value: string, env: EnvRow, identity: string, caller: Caller | null) =>
      resolveIn(value, env, new Set([identity]), 0, { stopped: false, caller }),
  };
}

export type Resolver = ReturnType<typeof createResolver>;
