import {
  HushError,
  invalid,
  isUniqueViolation,
  newUuid,
  type AuditActor,
  type Caller,
  type Db,
  type EngineAuditEvent,
  type IdempotencyClaim,
} from '../../../core/ports.js';
import { ERR, itemError, phaseError } from '../errors.js';
import type { EnvRow, SecretRow } from '../repo.js';
import type { PhaseTables } from '../tables.js';
import { parseBody, parseCreate, type SecretType } from '../validate.js';
import { PhaseAudit } from '../events.js';
import { PhaseObject, type PhaseContext } from './context.js';
import { createSecretWriter, type SealedContent, type SecretContent } from './writer.js';

/**
 * Beyond Phase. Phase creates with POST and updates with PUT by id, so a file mixing new and existing keys takes two
 * requests and cannot be all-or-nothing; this upsert takes the whole file, decides per (path, key) whether it is a
 * create, an update or unchanged, and applies it in one transaction (or only reports the plan on a dry run).
 */
export const IMPORT_LIMITS = { batch: 10_000, bodyBytes: 16 * 1024 * 1024 } as const;

export interface ImportItem {
  key: string;
  value: string;
  /** undefined: keep the existing comment (or none for a new secret). */
  comment: string | undefined;
  path: string;
  /** undefined: keep the existing tags (or none). */
  tags: string[] | undefined;
  type: SecretType | undefined;
}

export type ImportOutcome = 'create' | 'update' | 'unchanged';
export interface ImportPlanEntry {
  key: string;
  path: string;
  outcome: ImportOutcome;
}

/** The answer: keys and outcomes only, never values, so it may be stored for an Idempotency-Key. */
export interface ImportAnswer {
  dry_run: boolean;
  /** The environment's revision the plan was made against: sent back as `if_revision`, the apply is refused if it moved. */
  revision: number;
  created: number;
  updated: number;
  unchanged: number;
  secrets: ImportPlanEntry[];
}

function answerOf(secrets: ImportPlanEntry[], dryRun: boolean, revision: number): ImportAnswer {
  const count = (o: ImportOutcome) => secrets.filter((s) => s.outcome === o).length;
  return {
    dry_run: dryRun,
    revision,
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
    secrets,
  };
}

const sameTags = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((t, i) => t === [...b].sort()[i]);

export interface ImportRequest {
  items: ImportItem[];
  dryRun: boolean;
  /** The revision a preview answered: the apply goes ahead only if the environment is still at it. */
  ifRevision: number | undefined;
}

/**
 * `{"secrets": [...], "dry_run"?: bool, "if_revision"?: int}`, each item checked by /v1's own POST rules (its
 * messages, its limits).
 */
export function parseImport(raw: unknown): ImportRequest {
  const body = parseBody(raw);
  const list = body.secrets;
  if (!Array.isArray(list) || list.length === 0) throw phaseError('invalid', ERR.secretsList);
  if (list.length > IMPORT_LIMITS.batch)
    throw phaseError('too_large', `At most ${IMPORT_LIMITS.batch} secrets per import.`);
  if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean') throw invalid('dry_run', 'must be a boolean');
  const ifRevision = body.if_revision;
  if (
    ifRevision !== undefined &&
    (typeof ifRevision !== 'number' || !Number.isSafeInteger(ifRevision) || ifRevision < 0)
  )
    throw invalid('if_revision', 'must be a non-negative integer (the revision a dry run answered)');
  const items = list.map((entry, i): ImportItem => {
    let parsed;
    try {
      [parsed] = parseCreate({ secrets: [entry] });
    } catch (e) {
      // The item was checked alone, as entry 0: name its real position.
      if (e instanceof HushError && e.problems[0]?.field === 'secrets.0') throw itemError(i, e.message, e.kind);
      throw e;
    }
    const given = entry as Record<string, unknown>;
    return {
      key: parsed!.key,
      value: parsed!.value,
      comment: typeof given.comment === 'string' ? parsed!.comment : undefined,
      path: parsed!.path,
      tags: parsed!.tags,
      type: given.type === undefined || given.type === null ? undefined : parsed!.type,
    };
  });
  return { items, dryRun: body.dry_run === true, ifRevision: ifRevision as number | undefined };
}

const changedSincePreview = () =>
  new HushError(
    'conflict',
    'The environment changed since the preview; nothing was stored. Preview the import again.',
    { reason: 'changed_since_preview' },
  );

const changedDuringImport = () =>
  phaseError('conflict', 'The environment changed during the import; nothing was stored. Run it again.');

export function createImportService(pc: PhaseContext) {
  const { repo, ctx } = pc;
  const writer = createSecretWriter(pc);

  type Step =
    | { outcome: 'create'; id: string; content: SecretContent; sealed?: SealedContent }
    | { outcome: 'update'; row: SecretRow; content: SecretContent; tagsGiven: boolean; sealed?: SealedContent }
    | { outcome: 'unchanged' };

  /** Compares every item with what is stored (one decryption per existing key), refusing the batch on the first problem. */
  async function plan(env: EnvRow, items: ImportItem[]): Promise<Step[]> {
    const digests = await Promise.all(items.map((item) => pc.digest(env, item.key)));
    const live = new Map((await repo.secrets(env.id, {})).map((r) => [`${r.path}\u0000${r.key_digest}`, r]));
    const seen = new Set<string>();
    const existingTags = await repo.tagsOf(
      items.flatMap((item, i) => live.get(`${item.path}\u0000${digests[i]}`)?.id ?? []),
    );
    return Promise.all(
      items.map(async (item, i): Promise<Step> => {
        const place = `${item.path}\u0000${digests[i]}`;
        if (seen.has(place)) throw itemError(i, ERR.duplicate, 'conflict');
        seen.add(place);
        const row = live.get(place);
        if (!row) {
          const content: SecretContent = {
            key: item.key,
            value: item.value,
            comment: item.comment ?? '',
            path: item.path,
            type: item.type ?? 'secret',
            digest: digests[i]!,
            tags: item.tags ?? [],
          };
          return { outcome: 'create', id: newUuid(), content };
        }
        const old = await writer.open(row);
        const tags = existingTags.get(row.id) ?? [];
        const content: SecretContent = {
          key: item.key,
          value: item.value,
          comment: item.comment ?? old.comment,
          path: row.path,
          type: item.type ?? row.type,
          digest: row.key_digest,
          tags: item.tags ?? tags,
        };
        const same =
          old.value === content.value &&
          old.comment === content.comment &&
          row.type === content.type &&
          old.key === content.key &&
          sameTags(tags, content.tags);
        if (same) return { outcome: 'unchanged' };
        if (row.type === 'sealed' && (content.type !== 'sealed' || old.value !== content.value))
          throw itemError(i, 'A sealed secret cannot be changed by an import. Delete and recreate it instead.');
        return { outcome: 'update', row, content, tagsGiven: item.tags !== undefined };
      }),
    );
  }

  return {
    /**
     * Needs `view` (the plan tells whether stored values equal the given ones), plus `add` when something is created
     * and `change` when something is updated; a dry run needs only `view`. With an Idempotency-Key, the answer is
     * stored in the import's transaction, so a retry of an import that was applied gets that answer (a dry run
     * changes nothing and stores nothing).
     */
    async run(
      caller: Caller,
      actor: AuditActor,
      env: EnvRow,
      { items, dryRun, ifRevision }: ImportRequest,
      idempotency?: IdempotencyClaim,
    ): Promise<ImportAnswer> {
      await pc.requireSecretAccess(caller, env, 'view');
      // The plan is made against this revision; the write checks that no other writer came in between.
      const planned = ((await repo.getEnv(env.id)) ?? env).revision;
      // Applying a preview: a write since then (a value edited, a key added) would be overwritten unseen.
      if (!dryRun && ifRevision !== undefined && ifRevision !== planned) throw changedSincePreview();
      const steps = await plan(env, items);
      const answer = answerOf(
        items.map((item, i) => ({ key: item.key, path: item.path, outcome: steps[i]!.outcome })),
        dryRun,
        planned,
      );
      if (dryRun) return answer;
      if (steps.some((s) => s.outcome === 'create')) await pc.requireSecretAccess(caller, env, 'add');
      if (steps.some((s) => s.outcome === 'update')) await pc.requireSecretAccess(caller, env, 'change');
      for (const s of steps) {
        if (s.outcome === 'create') s.sealed = await writer.seal(s.id, 1, s.content);
        if (s.outcome === 'update') s.sealed = await writer.seal(s.row.id, s.row.version + 1, s.content);
      }
      const remember = idempotency && (await ctx.idempotency.prepare(idempotency, 200, answer));
      const events: EngineAuditEvent[] = [];
      try {
        await repo.db.transaction().execute(async (trx: Db<PhaseTables>) => {
          // Bumping first makes writers to one environment take turns (PostgreSQL) and lets cached reads see the change.
          await repo.bumpRevision(env.id, trx);
          if ((await repo.getEnv(env.id, trx))?.revision !== planned + 1) throw changedDuringImport();
          for (const s of steps) {
            if (s.outcome === 'create') {
              await writer.insert(env, s.id, s.content, s.sealed!, actor, trx);
              events.push({
                action: PhaseAudit.secretCreate,
                objectType: PhaseObject.secret,
                objectId: s.id,
                details: { environment: env.id, version: 1, via: 'import' },
              });
            } else if (s.outcome === 'update') {
              await writer.newVersion(env, s.row, s.content, s.sealed!, s.tagsGiven, actor, trx);
              events.push({
                action: PhaseAudit.secretUpdate,
                objectType: PhaseObject.secret,
                objectId: s.row.id,
                details: { environment: env.id, version: s.row.version + 1, via: 'import' },
              });
            }
          }
          if (events.length) await ctx.audit.appendWithin(trx, actor, events);
          await remember?.(trx);
        });
      } catch (e) {
        // Another writer took a key or a version between the plan and the write: nothing was stored.
        if (isUniqueViolation(e)) throw changedDuringImport();
        throw e;
      }
      return answer;
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
