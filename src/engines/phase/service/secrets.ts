import {
  HushError,
  isUniqueViolation,
  newUuid,
  nowIso,
  readOfMany,
  type AuditActor,
  type AuditEvent,
  type Caller,
  type Db,
  type EngineAuditEvent,
} from '../../../core/ports.js';
import { ERR, itemError, phaseError } from '../errors.js';
import { normalizePath } from '../paths.js';
import { createResolver } from '../references.js';
import type { EnvRow, OverrideRow, SecretRow } from '../repo.js';
import { secretJson, type PlainSecret, type SecretJson } from '../serializers.js';
import type { PhaseTables } from '../tables.js';
import type { CreateItem, UpdateItem } from '../validate.js';
import { PhaseAudit } from '../events.js';
import { PHASE_ENGINE, PhaseObject, type PhaseContext } from './context.js';
import { createSnapshots, placeOf, type EnvironmentSnapshot, type OpenedSecret } from './snapshots.js';
import { createSecretHistory } from './secret-history.js';
import { createSecretWriter, type SecretContent } from './writer.js';

/** Beyond Phase (which answers a misleading "Duplicate secret found" here): the request lost a race twice in a row. */
const changedConcurrently = () =>
  new HushError(
    'conflict',
    'The secret was changed by another request at the same time; nothing was stored. Read it again and retry.',
    { reason: 'concurrent_update' },
  );

/** Thrown inside an update's transaction when a row it read before the transaction has moved on since. */
class StaleRead extends Error {}

/**
 * One audit entry per request that revealed plaintext, naming every secret it revealed: the log answers "who read
 * what, when" per secret, while a listing of a whole environment costs one entry, not one per secret.
 */
export function readEvents(secretIds: string[], environmentId: string): AuditEvent[] {
  return readOfMany(
    { engine: PHASE_ENGINE, action: PhaseAudit.secretRead, objectType: 'phase.environment', objectId: environmentId },
    secretIds,
  );
}

export interface ListQuery {
  path?: string | undefined;
  key?: string | undefined;
  tags?: string | undefined;
}

/** /v1/secrets behaviour (docs/wire/phase.md §2), every batch in one transaction. */
export function createSecretService(pc: PhaseContext) {
  const { repo, ctx } = pc;
  const writer = createSecretWriter(pc);
  const snapshots = createSnapshots(pc, writer);

  const resolver = createResolver({
    envByName: (appId, name) => repo.findEnv(appId, name.toLowerCase()),
    async envInAppByName(appName, envName) {
      const apps = await repo.appsByName(appName.toLowerCase());
      if (apps.length !== 1 || apps[0]!.sse_enabled !== 1) return undefined;
      return repo.findEnv(apps[0]!.id, envName.toLowerCase());
    },
    canRead: pc.canResolveInto,
    async lookup(target) {
      const [snapshot, digest] = await Promise.all([snapshots.of(target.env), pc.digest(target.env, target.key)]);
      const found = snapshot.byPlace.get(placeOf(target.path, digest));
      return found && { identity: found.row.id, value: found.value };
    },
  });

  const withOverrides = (caller: Caller) => caller.user.kind === 'person';

  /**
   * Attaches the caller's overrides and resolves references. References into environments the caller may not
   * read stay unresolved in every answer: Phase skips that check when answering POST and PUT, which would let a
   * writer read any environment through a reference; Hush does not. `env` must be freshly read (its revision
   * decides which snapshot references see). Without a caller: no overrides and no access checks, for answers whose
   * references never leave `env`.
   */
  async function present(secrets: readonly OpenedSecret[], env: EnvRow, caller: Caller | null): Promise<SecretJson[]> {
    const overrides = new Map<string, OverrideRow>();
    if (caller && withOverrides(caller) && secrets.length) {
      for (const o of await repo.overridesOf(
        secrets.map((s) => s.row.id),
        caller.user.id,
      ))
        overrides.set(o.secret_id, o);
    }
    return Promise.all(
      secrets.map(async (s): Promise<SecretJson> => {
        const o = overrides.get(s.row.id);
        const plain: PlainSecret = {
          row: s.row,
          key: s.key,
          value: await resolver.resolve(s.value, env, s.row.id, caller),
          comment: s.comment,
          tags: s.tags,
          override: o
            ? {
                id: o.id,
                value: await resolver.resolve(
                  await writer.openOverride(o.secret_id, o.user_id, o.value_ct),
                  env,
                  s.row.id,
                  caller!,
                ),
                isActive: o.is_active === 1,
                created_at: o.created_at,
                updated_at: o.updated_at,
              }
            : null,
        };
        return secretJson(plain);
      }),
    );
  }

  async function hasOverrideIn(snapshot: EnvironmentSnapshot, caller: Caller): Promise<boolean> {
    const overridden = await repo.overriddenSecretIds(caller.user.id);
    return overridden.size > 0 && snapshot.secrets.some((s) => overridden.has(s.row.id));
  }

  /** The answer to a write: the rows as committed, seen through the environment's new revision. */
  async function presentWritten(rows: SecretRow[], env: EnvRow, caller: Caller): Promise<SecretJson[]> {
    const current = (await repo.getEnv(env.id)) ?? env;
    return present(await snapshots.open(rows), current, caller);
  }

  const events = (action: string, rows: { id: string; version?: number }[], env: EnvRow): EngineAuditEvent[] =>
    rows.map((r) => ({
      action,
      objectType: PhaseObject.secret,
      objectId: r.id,
      details: { environment: env.id, ...(r.version ? { version: r.version } : {}) },
    }));

  /**
   * Runs a batch write on `env`'s secrets; bumping the revision first also makes writers to one environment take
   * turns (PostgreSQL's row lock, SQLite's write lock), so what `work` reads is what it overwrites. A unique
   * violation that still slips through means another writer changed the same rows: 409, never a 500.
   */
  async function inTransaction<T>(env: EnvRow, work: (trx: Db<PhaseTables>) => Promise<T>): Promise<T> {
    try {
      return await repo.db.transaction().execute(async (trx) => {
        await repo.bumpRevision(env.id, trx);
        return work(trx);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw changedConcurrently();
      throw e;
    }
  }

  /** One attempt at an update: read, merge and seal before the transaction, write inside it. */
  async function updateOnce(
    caller: Caller,
    actor: AuditActor,
    env: EnvRow,
    items: UpdateItem[],
  ): Promise<SecretJson[]> {
    const current = new Map(
      (
        await repo.liveById(
          env.id,
          items.map((i) => i.id),
          repo.db,
        )
      ).map((r) => [r.id, r]),
    );
    const person = withOverrides(caller);
    const prepared = await Promise.all(
      items.map(async (item, i) => {
        const row = current.get(item.id);
        if (!row) throw itemError(i, ERR.secretNotFound(item.id), 'not_found');
        if (row.type === 'sealed' && item.type !== undefined && item.type !== 'sealed') throw itemError(i, ERR.unseal);
        const old = await writer.open(row);
        const key = item.key ?? old.key;
        const content: SecretContent = {
          key,
          // A sealed secret's value cannot be replaced through the API (docs/wire/phase.md §1.3); the request still bumps the version.
          value: row.type === 'sealed' ? old.value : (item.value ?? old.value),
          comment: item.comment ?? old.comment,
          path: item.path ?? row.path,
          type: item.type ?? row.type,
          digest: item.key === undefined ? row.key_digest : await pc.digest(env, key),
          tags: item.tags ?? (await repo.tagsOf([row.id])).get(row.id) ?? [],
        };
        return {
          row,
          content,
          tagsGiven: item.tags !== undefined,
          sealed: await writer.seal(row.id, row.version + 1, content),
          override:
            person && item.override
              ? await writer.sealOverride(row.id, caller.user.id, item.override.value)
              : undefined,
          item,
        };
      }),
    );
    const places = new Set<string>();
    const ids = new Set<string>();
    prepared.forEach((p, i) => {
      if (ids.has(p.row.id)) throw itemError(i, `Secret ${p.row.id} appears more than once in this request.`);
      ids.add(p.row.id);
      const place = `${p.content.path}\u0000${p.content.digest}`;
      if (places.has(place)) throw itemError(i, ERR.duplicate, 'conflict');
      places.add(place);
    });
    const rows = await inTransaction(env, async (trx) => {
      // Another request may have written one of these secrets since they were read: then this merge is stale.
      const versions = new Map(
        (
          await repo.liveById(
            env.id,
            prepared.map((p) => p.row.id),
            trx,
          )
        ).map((r) => [r.id, r.version]),
      );
      if (prepared.some((p) => versions.get(p.row.id) !== p.row.version)) throw new StaleRead();
      // Stricter than Phase (docs/wire/phase.md §2.10): the final (path, key) of every item must be free, moves by `path` included.
      for (const [i, p] of prepared.entries()) {
        const other = await repo.liveByKey(env.id, p.content.path, p.content.digest, trx);
        if (other && other.id !== p.row.id) throw itemError(i, ERR.duplicate, 'conflict');
      }
      for (const p of prepared) {
        await writer.newVersion(env, p.row, p.content, p.sealed, p.tagsGiven, actor, trx);
        if (p.override) await writer.putOverride(p.row.id, caller.user.id, p.override, p.item.override!.isActive, trx);
      }
      const written = await repo.liveById(
        env.id,
        prepared.map((p) => p.row.id),
        trx,
      );
      await ctx.audit.appendWithin(trx, actor, events(PhaseAudit.secretUpdate, written, env));
      const order = new Map(prepared.map((p, i) => [p.row.id, i]));
      return written.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    });
    return presentWritten(rows, env, caller);
  }

  const service = {
    /**
     * `secrets` is a JSON text when the answer is the same for every caller: an unfiltered listing of an environment
     * whose references all stay inside it (no access check can differ) read by a caller without overrides there.
     * That text is built once per revision, which is what a deploy wave reading one environment asks for.
     */
    async list(
      caller: Caller,
      env: EnvRow,
      query: ListQuery,
    ): Promise<{ secrets: SecretJson[] | string; reads: AuditEvent[] }> {
      const snapshot = await snapshots.of(env);
      const unfiltered = !query.path && query.key === undefined && query.tags === undefined;
      if (
        unfiltered &&
        snapshot.referencesStayInside &&
        !(withOverrides(caller) && (await hasOverrideIn(snapshot, caller)))
      ) {
        const shared = snapshot.memo('shared-answer', async () =>
          JSON.stringify(await present(snapshot.secrets, env, null)),
        );
        return {
          secrets: await shared,
          reads: readEvents(
            snapshot.secrets.map((s) => s.row.id),
            env.id,
          ),
        };
      }
      const filter = {
        path: query.path ? normalizePath(query.path) : undefined,
        digest: query.key ? await pc.digest(env, query.key.toUpperCase()) : undefined,
        tagNames: query.tags !== undefined ? [...new Set(query.tags.split(','))] : undefined,
      };
      const names = filter.tagNames && new Set(filter.tagNames);
      const chosen = snapshot.secrets.filter(
        (s) =>
          (filter.path === undefined || s.row.path === filter.path) &&
          (filter.digest === undefined || s.row.key_digest === filter.digest) &&
          (names === undefined || s.tags.some((t) => names.has(t))),
      );
      const secrets = await present(chosen, env, caller);
      return {
        secrets,
        reads: readEvents(
          chosen.map((s) => s.row.id),
          env.id,
        ),
      };
    },

    async create(caller: Caller, actor: AuditActor, env: EnvRow, items: CreateItem[]): Promise<SecretJson[]> {
      const digests = await Promise.all(items.map((item) => pc.digest(env, item.key)));
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const place = `${item.path}\u0000${digests[i]}`;
        if (seen.has(place)) throw itemError(i, ERR.duplicate, 'conflict');
        seen.set(place, i);
      });
      const person = withOverrides(caller);
      const prepared = await Promise.all(
        items.map(async (item, i) => {
          const id = newUuid();
          const content: SecretContent = {
            key: item.key,
            value: item.value,
            comment: item.comment,
            path: item.path,
            type: item.type,
            digest: digests[i]!,
            tags: item.tags ?? [],
          };
          return {
            id,
            content,
            sealed: await writer.seal(id, 1, content),
            override:
              person && item.override ? await writer.sealOverride(id, caller.user.id, item.override.value) : undefined,
            item,
          };
        }),
      );
      const rows = await inTransaction(env, async (trx) => {
        const written: SecretRow[] = [];
        for (const [i, p] of prepared.entries()) {
          if (await repo.liveByKey(env.id, p.content.path, p.content.digest, trx))
            throw itemError(i, ERR.duplicate, 'conflict');
          await writer.insert(env, p.id, p.content, p.sealed, actor, trx);
          if (p.override) await writer.putOverride(p.id, caller.user.id, p.override, p.item.override!.isActive, trx);
          written.push((await repo.liveById(env.id, [p.id], trx))[0]!);
        }
        await ctx.audit.appendWithin(trx, actor, events(PhaseAudit.secretCreate, written, env));
        return written;
      });
      return presentWritten(rows, env, caller);
    },

    /**
     * When another request wrote one of the secrets between this one's read and its write, the whole update starts
     * over once on the new versions (as if the two had come one after the other); losing twice is a 409 saying so.
     */
    async update(caller: Caller, actor: AuditActor, env: EnvRow, items: UpdateItem[]): Promise<SecretJson[]> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await updateOnce(caller, actor, env, items);
        } catch (e) {
          if (!(e instanceof StaleRead)) throw e;
          if (attempt === 2) throw changedConcurrently();
        }
      }
    },

    /** All or nothing; unknown ids are a 404, or skipped with `ignoreMissing` (docs/wire/phase.md §5.2, end to end). */
    async remove(
      actor: AuditActor,
      env: EnvRow,
      ids: string[],
      options: { ignoreMissing?: boolean } = {},
    ): Promise<number> {
      return inTransaction(env, async (trx) => {
        const found = new Set((await repo.liveById(env.id, ids, trx)).map((r) => r.id));
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length && !options.ignoreMissing) throw phaseError('not_found', ERR.secretsNotFound(missing));
        const live = ids.filter((id) => found.has(id));
        if (!live.length) return 0;
        await repo.softDelete(live, nowIso(), trx);
        await ctx.audit.appendWithin(
          trx,
          actor,
          events(
            PhaseAudit.secretDelete,
            live.map((id) => ({ id })),
            env,
          ),
        );
        return live.length;
      });
    },

    writer,
    snapshots,
  };
  return { ...service, ...createSecretHistory({ repo, writer, update: service.update.bind(service), readEvents }) };
}

export type SecretService = ReturnType<typeof createSecretService>;
