import type { Caller } from './identity/caller.js';

/** One figure of an engine's overview: how many of a kind of object the caller can reach (`apps`, `resources`). */
export interface OverviewCount {
  readonly what: string;
  readonly count: number;
}

/** An engine's overview figures for one caller: only what its permissions let that caller see. */
export type OverviewCounter = (caller: Caller) => Promise<readonly OverviewCount[]>;

export interface EngineOverview {
  readonly engine: string;
  readonly counts: readonly OverviewCount[];
}

/**
 * The engines' overview counters, registered by the server once every engine is built, and read by the admin API's
 * `GET /api/users/me/overview/` (the console's front page). Each engine counts through its own permission checks, so
 * the figures never tell a caller about objects it cannot see.
 */
export function createOverviewRegistry() {
  const counters = new Map<string, OverviewCounter>();
  return {
    register(engine: string, counter: OverviewCounter): void {
      if (counters.has(engine)) throw new Error(`Engine ${engine} registered its overview twice.`);
      counters.set(engine, counter);
    },
    async counts(caller: Caller): Promise<EngineOverview[]> {
      return Promise.all([...counters].map(async ([engine, count]) => ({ engine, counts: await count(caller) })));
    },
  };
}

export type OverviewRegistry = ReturnType<typeof createOverviewRegistry>;
