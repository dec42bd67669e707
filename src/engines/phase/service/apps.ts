import {
  forbidden,
  isUniqueViolation,
  newUuid,
  nowIso,
  type AuditActor,
  type Caller,
  type Db,
} from '../../../core/ports.js';
import { ERR, phaseError } from '../errors.js';
import type { AppRow, EnvRow } from '../repo.js';
import type { PhaseTables } from '../tables.js';
import { PhaseAudit } from '../events.js';
import { isUuid, PhaseObject, type PhaseContext } from './context.js';

const ENV_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_ENVS = [
  { name: 'Development', type: 'dev' },
  { name: 'Staging', type: 'staging' },
  { name: 'Production', type: 'prod' },
] as const;

/** Phase cleans app names: HTML tags and control characters removed, then trimmed (docs/wire/phase.md §1.1). */
function cleanName(raw: unknown): string {
  if (typeof raw !== 'string') throw phaseError('invalid', ERR.envNameMissing);
  const name = raw
    .replace(/<[^>]*>/g, '')
    // eslint-disable-next-line no-control-regex -- control characters are what this strips
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  if (!name) throw phaseError('invalid', 'App name must not be blank.');
  if (name.length > 64) throw phaseError('invalid', 'App name must be at most 64 characters.');
  return name;
}

function cleanDescription(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw phaseError('invalid', "'description' must be a string.");
  if (raw.length > 10_000) throw phaseError('invalid', "'description' must be at most 10000 characters.");
  return raw;
}

function envNames(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw phaseError('invalid', "'environments' must be a list of environment names.");
  if (!raw.length) throw phaseError('invalid', "'environments' must not be empty.");
  const seen = new Set<string>();
  return raw.map((n) => {
    if (typeof n !== 'string' || !n.trim())
      throw phaseError('invalid', 'Each environment name must be a non-empty string.');
    if (!ENV_NAME.test(n)) throw phaseError('invalid', ERR.envNameInvalid);
    if (seen.has(n.toLowerCase())) throw phaseError('invalid', `Duplicate environment name: '${n}'.`);
    seen.add(n.toLowerCase());
    return n;
  });
}

/** Apps and environments (docs/wire/phase.md §3.2). */
export function createAppService(pc: PhaseContext) {
  const { repo, ctx } = pc;

  /** A new environment with its own salt and key-pair seed, sealed by the keyring. */
  async function newEnv(appId: string, name: string, type: EnvRow['env_type'], position: number): Promise<EnvRow> {
    const id = newUuid();
    const now = nowIso();
    return {
      id,
      app_id: appId,
      name,
      name_lower: name.toLowerCase(),
      env_type: type,
      position,
      salt_ct: await pc.envCipher.seal(ctx.keyring.randomHex(32), { row: id, column: 'salt' }),
      seed_ct: await pc.envCipher.seal(ctx.keyring.randomHex(32), { row: id, column: 'seed' }),
      revision: 0,
      created_at: now,
      updated_at: now,
    };
  }

  const audit = (
    trx: Db<PhaseTables>,
    actor: AuditActor,
    action: string,
    objectType: string,
    id: string,
    details: Record<string, unknown> = {},
  ) => ctx.audit.appendWithin(trx, actor, [{ action, objectType, objectId: id, details }]);

  async function requireSse(app: AppRow) {
    if (app.sse_enabled !== 1) throw forbidden(ERR.sseOffApp, 'sse_disabled');
  }

  return {
    async list(caller: Caller): Promise<AppRow[]> {
      const apps = await repo.listApps(await ctx.permissions.scope(caller, 'view', PhaseObject.app));
      const reached = await Promise.all(apps.map((a) => pc.tokenReachesApp(caller, a.id)));
      return apps.filter((_, i) => reached[i]);
    },

    async create(
      caller: Caller,
      actor: AuditActor,
      body: Record<string, unknown>,
    ): Promise<{ app: AppRow; envs: EnvRow[] }> {
      await ctx.permissions.require(caller, 'add', PhaseObject.app);
      if (await pc.tokenScope(caller))
        throw forbidden('A token narrowed to some apps or environments cannot create apps.');
      if (body.name === undefined) throw phaseError('invalid', 'Missing required field: name');
      const now = nowIso();
      const app: AppRow = {
        id: newUuid(),
        name: cleanName(body.name),
        description: cleanDescription(body.description) ?? '',
        // Beyond Phase: `sseEnabled: false` makes an app that /v1/secrets refuses (Phase's E2EE-only apps).
        sse_enabled: body.sseEnabled === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      };
      const custom = envNames(body.environments);
      const envs = custom
        ? await Promise.all(custom.map((n, i) => newEnv(app.id, n, 'custom', i)))
        : await Promise.all(DEFAULT_ENVS.map((e, i) => newEnv(app.id, e.name, e.type, i)));
      await repo.db.transaction().execute(async (trx) => {
        await repo.insertApp(app, trx);
        for (const env of envs) await repo.insertEnv(env, trx);
        await audit(trx, actor, PhaseAudit.appCreate, PhaseObject.app, app.id, {
          name: app.name,
          environments: envs.map((e) => e.name),
        });
      });
      return { app, envs };
    },

    async read(caller: Caller, id: string): Promise<AppRow> {
      const app = await pc.visibleApp(caller, id);
      await requireSse(app);
      return app;
    },

    async update(caller: Caller, actor: AuditActor, id: string, body: Record<string, unknown>): Promise<AppRow> {
      const app = await pc.visibleApp(caller, id, 'change');
      const sse = body.sseEnabled;
      if (sse !== undefined && typeof sse !== 'boolean')
        throw phaseError('invalid', "'sseEnabled' must be true or false.");
      // Beyond Phase's API (its console's app settings do it): an app without SSE takes one change, turning SSE on.
      if (!(app.sse_enabled !== 1 && sse === true)) await requireSse(app);
      if (body.name === undefined && body.description === undefined && sse === undefined)
        throw phaseError('invalid', "At least one of 'name' or 'description' must be provided.");
      const set: Partial<AppRow> = { updated_at: nowIso() };
      if (sse !== undefined) set.sse_enabled = sse ? 1 : 0;
      if (body.name !== undefined) set.name = cleanName(body.name);
      const description = cleanDescription(body.description);
      if (description !== undefined) set.description = description;
      await repo.db.transaction().execute(async (trx) => {
        await repo.updateApp(app.id, set, trx);
        await audit(trx, actor, PhaseAudit.appUpdate, PhaseObject.app, app.id, {
          fields: Object.keys(set).filter((k) => k !== 'updated_at'),
          ...(sse === undefined ? {} : { sse_enabled: sse }),
        });
      });
      return { ...app, ...set };
    },

    async remove(caller: Caller, actor: AuditActor, id: string): Promise<void> {
      const app = await pc.visibleApp(caller, id, 'delete');
      await requireSse(app);
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteApp(app.id, trx);
        await audit(trx, actor, PhaseAudit.appDelete, PhaseObject.app, app.id, { name: app.name });
      });
    },

    async listEnvs(caller: Caller, appId: string | undefined): Promise<EnvRow[]> {
      if (!appId) throw phaseError('invalid', 'Missing required query parameter: app_id');
      const app = await pc.visibleApp(caller, appId);
      await requireSse(app);
      const envs = await repo.listEnvs(app.id);
      const reached = await Promise.all(envs.map((e) => pc.tokenReaches(caller, e)));
      return envs.filter((_, i) => reached[i]);
    },

    async createEnv(
      caller: Caller,
      actor: AuditActor,
      appId: string | undefined,
      body: Record<string, unknown>,
    ): Promise<EnvRow> {
      if (!appId) throw phaseError('invalid', 'Missing required query parameter: app_id');
      const app = await pc.visibleApp(caller, appId, 'change');
      await requireSse(app);
      if (body.name === undefined || body.name === null || body.name === '')
        throw phaseError('invalid', ERR.envNameMissing);
      if (typeof body.name !== 'string' || !ENV_NAME.test(body.name)) throw phaseError('invalid', ERR.envNameInvalid);
      const name = body.name;
      const existing = await repo.listEnvs(app.id);
      if (existing.some((e) => e.name_lower === name.toLowerCase()))
        throw phaseError('invalid', ERR.envNameTaken(name));
      const env = await newEnv(app.id, name, 'custom', Math.max(-1, ...existing.map((e) => e.position)) + 1);
      try {
        await repo.db.transaction().execute(async (trx) => {
          await repo.insertEnv(env, trx);
          await audit(trx, actor, PhaseAudit.environmentCreate, 'phase.environment', env.id, { app: app.id, name });
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw phaseError('invalid', ERR.envNameTaken(name));
        throw e;
      }
      return env;
    },

    /**
     * An environment whose app the caller may see and act on as `action` says (deleting one, with all its secrets,
     * needs delete on the app, not change); otherwise Phase's 404.
     */
    async visibleEnv(caller: Caller, id: string, action: 'view' | 'change' | 'delete' = 'view'): Promise<EnvRow> {
      const env = isUuid(id) ? await repo.getEnv(id.toLowerCase()) : undefined;
      if (!env || !(await pc.tokenReaches(caller, env))) throw phaseError('not_found', ERR.envNotFoundById);
      const app = await pc.visibleApp(caller, env.app_id, action).catch(() => {
        throw phaseError('not_found', ERR.envNotFoundById);
      });
      await requireSse(app);
      return env;
    },

    async renameEnv(caller: Caller, actor: AuditActor, id: string, body: Record<string, unknown>): Promise<EnvRow> {
      const env = await this.visibleEnv(caller, id, 'change');
      if (typeof body.name !== 'string' || !ENV_NAME.test(body.name))
        throw phaseError('invalid', body.name === undefined ? ERR.envNameMissing : ERR.envNameInvalid);
      const name = body.name;
      const clash = await repo.findEnv(env.app_id, name.toLowerCase());
      if (clash && clash.id !== env.id) throw phaseError('conflict', ERR.envNameTaken(name));
      await repo.db.transaction().execute(async (trx) => {
        await repo.renameEnv(env.id, name, trx);
        await audit(trx, actor, PhaseAudit.environmentUpdate, 'phase.environment', env.id, { name });
      });
      return (await repo.getEnv(env.id))!;
    },

    async removeEnv(caller: Caller, actor: AuditActor, id: string): Promise<void> {
      const env = await this.visibleEnv(caller, id, 'delete');
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteEnv(env.id, trx);
        await audit(trx, actor, PhaseAudit.environmentDelete, 'phase.environment', env.id, { name: env.name });
      });
    },

    requireSse,
  };
}

export type AppService = ReturnType<typeof createAppService>;
