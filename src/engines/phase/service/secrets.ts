import { invalid, isUniqueViolation } from '../../../core/errors.js';
import { newUuid, nowIso } from '../../../core/ids.js';
import type { AuditActor, AuditEvent, Caller, Db } from '../../../core/ports.js';
import { ERR, itemError, phaseError } from '../errors.js';
import { normalizePath } from '../paths.js';
import { createResolver } from '../references.js';
import type { EnvRow, OverrideRow, SecretRow } from '../repo.js';
import { secretJson, type PlainSecret, type SecretJson } from '../serializers.js';
import type { PhaseTables } from '../tables.js';
import { parseBody, type CreateItem, type SecretType, type UpdateItem } from '../validate.js';
import type { PhaseContext } from './context.js';
import { createSecretWriter, type SecretContent } from './writer.js';

const ENGINE = 'phase';
const OBJECT = 'phase.secret';

export interface VersionJson {
  version: number;
  key: string;
  value: string;
  comment: string;
  path: string;
  type: string;
  tags: string[];
  createdAt: string;
  actor: number | null;
}

export interface ListQuery {
  path?: string | undefined;
  key?: string | undefined;
  tags?: string | undefined;
}

/** /v1/secrets behaviour (shared/specs/phase.md §2), every batch in one transaction. */
export function createSecretService(pc: PhaseContext) {
  const { repo, ctx } = pc;
  const writer = createSecretWriter(pc);
  const openValue = async (row: SecretRow) => (await writer.open(row)).value;

  const resolver = createResolver({
    envByName: (appId, name) => repo.findEnv(appId, name.toLowerCase()),
    async envInAppByName(appName, envName) {
      const apps = await repo.appsByName(appName.toLowerCase());
      if (apps.length !== 1 || apps[0]!.sse_enabled !== 1) return undefined;
      return repo.findEnv(apps[0]!.id, envName.toLowerCase());
    },
    canRead: pc.canReadEnv,
    async lookup(target) {
      const row = await repo.liveByKey(target.env.id, target.path, await pc.digest(target.env, target.key));
      return row && { identity: row.id, value: await openValue(row) };
    },
  });

  const withOverrides = (caller: Caller) => caller.user.kind === 'person';

  /**
   * Decrypts rows, attaches tags and the caller's overrides, and resolves references. References into environments
   * the caller may not read stay unresolved in every answer: Phase skips that check when answering POST and PUT,
   * which would let a writer read any environment through a reference; Hush does not.
   */
  async function present(rows: SecretRow[], env: EnvRow, caller: Caller, trx?: Db<PhaseTables>): Promise<SecretJson[]> {
    const ids = rows.map((r) => r.id);
    const tags = await repo.tagsOf(ids, trx);
    const overrides = new Map<string, OverrideRow>();
    if (withOverrides(caller)) for (const o of await repo.overridesOf(ids, caller.user.id, trx)) overrides.set(o.secret_id, o);
    const refCaller = caller;
    return Promise.all(
      rows.map(async (row): Promise<SecretJson> => {
        const o = overrides.get(row.id);
        const content = await writer.open(row);
        const plain: PlainSecret = {
          row,
          key: content.key,
          value: await resolver.resolve(content.value, env, row.id, refCaller),
          comment: content.comment,
          tags: tags.get(row.id) ?? [],
          override: o
            ? {
                id: o.id,
                value: await resolver.resolve(await writer.openOverride(o.secret_id, o.user_id, o.value_ct), env, row.id, refCaller),
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

  const events = (action: string, rows: { id: string; version?: number }[], env: EnvRow): AuditEvent[] =>
    rows.map((r) => ({ engine: ENGINE, action, objectType: OBJECT, objectId: r.id, details: { environment: env.id, ...(r.version ? { version: r.version } : {}) } }));

  /** Runs a batch write; a concurrent writer taking the same key first still yields Phase's 409, not a 500. */
  async function inTransaction<T>(work: (trx: Db<PhaseTables>) => Promise<T>): Promise<T> {
    try {
      return await repo.db.transaction().execute(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw phaseError('conflict', ERR.duplicate);
      throw e;
    }
  }

  return {
    async list(caller: Caller, env: EnvRow, query: ListQuery): Promise<{ secrets: SecretJson[]; reads: AuditEvent[] }> {
      const filter = {
        path: query.path ? normalizePath(query.path) : undefined,
        digest: query.key ? await pc.digest(env, query.key.toUpperCase()) : undefined,
        tagNames: query.tags !== undefined ? [...new Set(query.tags.split(','))] : undefined,
      };
      const rows = await repo.secrets(env.id, filter);
      const secrets = await present(rows, env, caller);
      return { secrets, reads: events('secret.read', rows, env) };
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
          const content: SecretContent = { key: item.key, value: item.value, comment: item.comment, path: item.path, type: item.type, digest: digests[i]!, tags: item.tags ?? [] };
          return { id, content, sealed: await writer.seal(id, 1, content), override: person && item.override ? await writer.sealOverride(id, caller.user.id, item.override.value) : undefined, item };
        }),
      );
      const rows = await inTransaction(async (trx) => {
        const written: SecretRow[] = [];
        for (const [i, p] of prepared.entries()) {
          if (await repo.liveByKey(env.id, p.content.path, p.content.digest, trx)) throw itemError(i, ERR.duplicate, 'conflict');
          await writer.insert(env, p.id, p.content, p.sealed, actor, trx);
          if (p.override) await writer.putOverride(p.id, caller.user.id, p.override, p.item.override!.isActive, trx);
          written.push((await repo.liveById(env.id, [p.id], trx))[0]!);
        }
        await ctx.audit.appendWithin(trx, actor, events('secret.create', written, env));
        return written;
      });
      return present(rows, env, caller);
    },

    async update(caller: Caller, actor: AuditActor, env: EnvRow, items: UpdateItem[]): Promise<SecretJson[]> {
      const current = new Map((await repo.liveById(env.id, items.map((i) => i.id), repo.db)).map((r) => [r.id, r]));
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
            // A sealed secret's value cannot be replaced through the API (Phase §1.3); the request still bumps the version.
            value: row.type === 'sealed' ? old.value : (item.value ?? old.value),
            comment: item.comment ?? old.comment,
            path: item.path ?? row.path,
            type: item.type ?? row.type,
            digest: item.key === undefined ? row.key_digest : await pc.digest(env, key),
            tags: item.tags ?? (await repo.tagsOf([row.id])).get(row.id) ?? [],
          };
          return { row, content, tagsGiven: item.tags !== undefined, sealed: await writer.seal(row.id, row.version + 1, content), override: person && item.override ? await writer.sealOverride(row.id, caller.user.id, item.override.value) : undefined, item };
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
      const rows = await inTransaction(async (trx) => {
        // Stricter than Phase (§2.10): the final (path, key) of every item must be free, moves by `path` included.
        for (const [i, p] of prepared.entries()) {
          const other = await repo.liveByKey(env.id, p.content.path, p.content.digest, trx);
          if (other && other.id !== p.row.id) throw itemError(i, ERR.duplicate, 'conflict');
        }
        for (const p of prepared) {
          await writer.newVersion(env, p.row, p.content, p.sealed, p.tagsGiven, actor, trx);
          if (p.override) await writer.putOverride(p.row.id, caller.user.id, p.override, p.item.override!.isActive, trx);
        }
        const written = await repo.liveById(env.id, prepared.map((p) => p.row.id), trx);
        await ctx.audit.appendWithin(trx, actor, events('secret.update', written, env));
        const order = new Map(prepared.map((p, i) => [p.row.id, i]));
        return written.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
      });
      return present(rows, env, caller);
    },

    async remove(actor: AuditActor, env: EnvRow, ids: string[]): Promise<number> {
      return inTransaction(async (trx) => {
        const found = new Set((await repo.liveById(env.id, ids, trx)).map((r) => r.id));
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length) throw phaseError('not_found', ERR.secretsNotFound(missing));
        await repo.softDelete(ids, nowIso(), trx);
        await ctx.audit.appendWithin(trx, actor, events('secret.delete', ids.map((id) => ({ id })), env));
        return ids.length;
      });
    },

    /** Every version of a live secret, oldest first, as stored (references not resolved). Beyond Phase. */
    async history(env: EnvRow, id: string): Promise<{ versions: VersionJson[]; reads: AuditEvent[] }> {
      const [row] = await repo.liveById(env.id, [id], repo.db);
      if (!row) throw phaseError('not_found', ERR.secretNotFound(id));
      const versions = (await writer.history(id)).map((v) => ({
        version: v.version,
        ...v.content,
        path: v.extra.path,
        type: v.extra.type,
        tags: JSON.parse(v.extra.tags) as string[],
        createdAt: v.createdAt,
        actor: v.actorUserId,
      }));
      return { versions, reads: [{ engine: ENGINE, action: 'secret.history.read', objectType: OBJECT, objectId: id, details: { environment: env.id, versions: versions.length } }] };
    },

    /** Brings an earlier version back as a new version (key, value, comment, path, type and tags). Beyond Phase. */
    async restore(caller: Caller, actor: AuditActor, env: EnvRow, id: string, body: unknown): Promise<SecretJson[]> {
      const raw = parseBody(body).version;
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw invalid('version', 'must be a positive integer');
      const [row] = await repo.liveById(env.id, [id], repo.db);
      if (!row) throw phaseError('not_found', ERR.secretNotFound(id));
      const old = await writer.restorable(id, raw);
      if (!old) throw phaseError('not_found', `Version ${raw} of secret ${id} not found`);
      const { path, type, tags } = old.extra;
      return this.update(caller, actor, env, [
        { id, key: old.content.key, value: old.content.value, comment: old.content.comment, path, tags: JSON.parse(tags) as string[], type: type as SecretType, override: undefined },
      ]);
    },

    present,
    writer,
  };
}

export type SecretService = ReturnType<typeof createSecretService>;
