import { LRUCache } from 'lru-cache';
import {
  forbidden,
  HushError,
  invalid,
  isUuid,
  notFound,
  type Caller,
  type EngineContext,
} from '../../../core/ports.js';
import { ERR, phaseError } from '../errors.js';
import { createPhaseRepo, type AppRow, type EnvRow } from '../repo.js';
import type { PhaseTables } from '../tables.js';

/** Object types of Phase data in Hush's permission model; grants on `phase.secret` name an environment id. */
export const PhaseObject = { app: 'phase.app', secret: 'phase.secret' } as const;
export type SecretAction = 'view' | 'add' | 'change' | 'delete';
const VERB: Record<SecretAction, string> = { view: 'read', add: 'create', change: 'update', delete: 'delete' };

/** The engine's name, as the manifest declares it: what narrowed tokens are confined to and audit entries name. */
export const PHASE_ENGINE = 'phase';
/** Phase's ids are UUIDs; anything else cannot name an app, environment or secret. */
export { isUuid };

/** What a Phase-format token is narrowed to (phase_tokens.scope). */
export interface TokenScope {
  apps: string[];
  environments: string[];
}

/**
 * Bounds of the per-process caches below. They hold what never changes once made, so they only save work; the bound
 * keeps an instance with many environments or tokens (every one of which may be asked about, even by a caller who
 * reaches nothing) from growing without end. A miss costs one query or one decryption.
 */
const MAX_SALTS = 10_000;
const MAX_TOKEN_SCOPES = 10_000;

type KnownScope = (TokenScope & { reachedApps: ReadonlySet<string> }) | null;

/** Everything the Phase services share: repo, ciphers, salts, and the access rules. */
export function createPhaseContext(ctx: EngineContext<PhaseTables>) {
  const repo = createPhaseRepo(ctx.store());
  const envCipher = ctx.keyring.cipher('phase_environments');
  // Salts never change once made, so a process keeps them after first use (64 hex characters per environment).
  const salts = new LRUCache<string, string>({ max: MAX_SALTS });

  async function saltOf(env: EnvRow): Promise<string> {
    let salt = salts.get(env.id);
    if (!salt) {
      salt = await envCipher.openText(env.salt_ct, { row: env.id, column: 'salt' });
      salts.set(env.id, salt);
    }
    return salt;
  }

  // A Phase token's narrowing is fixed when it is minted and token ids are never reused, so a process keeps it, with
  // the apps it reaches (an environment never changes app). Only narrowed tokens are confined to this engine
  // (the core token records it, as `caller.tokenEngine`), so every other caller is known unnarrowed without a query.
  // Held in a box: the cache keeps no null values, and null (a Phase token that is not narrowed) is worth keeping.
  const tokenScopes = new LRUCache<number, { scope: KnownScope }>({ max: MAX_TOKEN_SCOPES });

  async function tokenScope(caller: Caller): Promise<KnownScope> {
    if (caller.tokenId === null || caller.tokenEngine !== PHASE_ENGINE) return null;
    let scope = tokenScopes.get(caller.tokenId)?.scope;
    if (scope === undefined) {
      const row = await repo.db
        .selectFrom('phase_tokens')
        .select('scope')
        .where('token_id', '=', caller.tokenId)
        .executeTakeFirst();
      if (row?.scope) {
        const parsed = JSON.parse(row.scope) as TokenScope;
        const envApps = parsed.environments.length
          ? await repo.db
              .selectFrom('phase_environments')
              .select('app_id')
              .where('id', 'in', parsed.environments)
              .execute()
          : [];
        scope = { ...parsed, reachedApps: new Set([...parsed.apps, ...envApps.map((e) => e.app_id)]) };
      } else {
        scope = null;
      }
      tokenScopes.set(caller.tokenId, { scope });
    }
    return scope;
  }

  /** A token narrowed to some apps or environments reaches nothing else, whatever its owner may do. */
  async function tokenReaches(caller: Caller, env: EnvRow): Promise<boolean> {
    const scope = await tokenScope(caller);
    return scope === null || scope.apps.includes(env.app_id) || scope.environments.includes(env.id);
  }

  /** The app holds something the token reaches (itself, or one of its environments). */
  async function tokenReachesApp(caller: Caller, appId: string): Promise<boolean> {
    const scope = await tokenScope(caller);
    return scope === null || scope.reachedApps.has(appId);
  }

  async function hasAnySecretAccess(caller: Caller, env: EnvRow): Promise<boolean> {
    if (!(await tokenReaches(caller, env))) return false;
    for (const action of ['view', 'add', 'change', 'delete'] as const) {
      if (await ctx.permissions.can(caller, action, PhaseObject.secret, env.id)) return true;
    }
    return false;
  }

  return {
    ctx,
    repo,
    saltOf,
    envCipher,
    tokenScope,
    tokenReaches,
    tokenReachesApp,

    /** keyDigest: keyed BLAKE2b-256 of the key with the env salt's hex string as key (docs/wire/phase.md §2.7). */
    digest: async (env: EnvRow, key: string) => ctx.keyring.keyedHash(key, await saltOf(env)),

    /** `app_id` + `env` (name, any case) → app and environment, with Phase's errors (docs/wire/phase.md §2.8). */
    async resolveEnv(query: {
      app_id?: string | undefined;
      env?: string | undefined;
    }): Promise<{ app: AppRow; env: EnvRow }> {
      if (!query.app_id || !query.env) throw forbidden(ERR.envContext, 'env_context_missing');
      const app = isUuid(query.app_id) ? await repo.getApp(query.app_id.toLowerCase()) : undefined;
      if (!app) throw phaseError('not_found', ERR.appNotFound(query.app_id));
      const env = await repo.findEnv(app.id, query.env.toLowerCase());
      if (!env) throw phaseError('not_found', ERR.envNotFound(query.env, query.app_id));
      return { app, env };
    },

    /**
     * A `Secret-Id` header or `secret_id` query names the environment through one of its secrets, before any other
     * way of naming it (docs/wire/phase.md §3.1); an unknown id is 404 `Secret not found`.
     */
    async envOfSecret(secretId: string): Promise<{ app: AppRow; env: EnvRow }> {
      const env = isUuid(secretId) ? await repo.envOfSecret(secretId.toLowerCase()) : undefined;
      const app = env && (await repo.getApp(env.app_id));
      if (!env || !app) throw phaseError('not_found', ERR.secretIdUnknown);
      return { app, env };
    },

    /** Phase's two-step check: any access to the environment, then the action (docs/wire/phase.md §2.0 step 6). */
    async requireSecretAccess(caller: Caller, env: EnvRow, action: SecretAction): Promise<void> {
      if (!(await hasAnySecretAccess(caller, env))) {
        if (caller.user.kind === 'service')
          throw new HushError('unauthenticated', ERR.serviceNoEnv, { reason: 'env_denied' });
        throw forbidden(ERR.userNoEnv);
      }
      if (!(await ctx.permissions.can(caller, action, PhaseObject.secret, env.id)))
        throw forbidden(ERR.noPermission(VERB[action]));
    },

    /** Any secret access at all (view, add, change or delete) within the token's reach: who gets an env's keys. */
    canAccessEnv: hasAnySecretAccess,

    /**
     * Whether a reference may resolve into `env`: its secrets readable and its app visible to the caller. Phase's SDKs
     * resolve references themselves and find apps among those the token lists (`tokenInfo`: visible apps only), so
     * /v1 holds server-side resolution to the same rule; otherwise a user who may read an app's secrets without
     * seeing the app would get `${APP::ENV.KEY}` resolved through one path and not the other.
     */
    canResolveInto: async (caller: Caller, env: EnvRow) =>
      (await tokenReaches(caller, env)) &&
      (await ctx.permissions.can(caller, 'view', PhaseObject.secret, env.id)) &&
      ctx.permissions.can(caller, 'view', PhaseObject.app, env.app_id),

    /** An app the caller may see (view on `phase.app`), else 404 as if it did not exist. */
    async visibleApp(caller: Caller, id: string, action: SecretAction = 'view'): Promise<AppRow> {
      const app = isUuid(id) ? await repo.getApp(id.toLowerCase()) : undefined;
      if (
        !app ||
        !(await tokenReachesApp(caller, app.id)) ||
        !(await ctx.permissions.can(caller, 'view', PhaseObject.app, app.id))
      ) {
        throw phaseError('not_found', ERR.appNotFound(id));
      }
      if (action !== 'view' && !(await ctx.permissions.can(caller, action, PhaseObject.app, app.id))) throw forbidden();
      // Changing an app or its environments needs the whole app in a narrowed token's scope, not just one environment.
      if (action !== 'view' && !((await tokenScope(caller))?.apps.includes(app.id) ?? true))
        throw forbidden('This token is narrowed to some environments of this app only.');
      return app;
    },

    checkUuid(field: string, id: string): void {
      if (!isUuid(id)) throw invalid(field, 'must be a UUID');
    },

    notFound,
  };
}

export type PhaseContext = ReturnType<typeof createPhaseContext>;
