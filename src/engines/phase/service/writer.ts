import { newUuid, nowIso, type AuditActor, type Db } from '../../../core/ports.js';
import type { EnvRow, SecretRow } from '../repo.js';
import type { PhaseTables } from '../tables.js';
import type { SecretType } from '../validate.js';
import type { PhaseContext } from './context.js';

/** The whole content of one version of a secret. */
export interface SecretContent {
  key: string;
  value: string;
  comment: string;
  path: string;
  type: SecretType;
  digest: string;
  tags: string[];
}

export interface SealedContent {
  content_ct: string;
}

/** What one version seals as a whole: one decryption per secret read. */
export interface SealedFields {
  key: string;
  value: string;
  comment: string;
}

/** phase_secret_versions' own columns besides the core's version contract. */
type VersionColumns = { path: string; type: string; tags: string };

/**
 * Writes versions. Ciphertexts are bound to (secret id, version, column), so a value copied to another secret or
 * version does not open; sealing happens before the transaction, the writes inside it.
 */
export function createSecretWriter(pc: PhaseContext) {
  const { repo, ctx } = pc;
  // The core's version tables (src/core/versions): sealing bound to (secret id, version), history, restore.
  const versions = ctx.versions.table<SealedFields, VersionColumns>({
    table: 'phase_secret_versions',
    ownerColumn: 'secret_id',
  });
  const overrides = ctx.keyring.cipher('phase_overrides');

  async function versionRow(
    id: string,
    version: number,
    content: SecretContent,
    sealed: SealedContent,
    actor: AuditActor,
    trx: Db<PhaseTables>,
    now: string,
  ) {
    await versions.append(trx, {
      owner: id,
      version,
      contentCt: sealed.content_ct,
      createdAt: now,
      actorUserId: actor.userId,
      extra: { path: content.path, type: content.type, tags: JSON.stringify(content.tags) },
    });
  }

  return {
    seal: async (id: string, version: number, c: SecretContent): Promise<SealedContent> => ({
      content_ct: await versions.seal(id, version, { key: c.key, value: c.value, comment: c.comment }),
    }),

    open: (row: Pick<SecretRow, 'id' | 'version'> & SealedContent): Promise<SealedFields> =>
      versions.open(row.id, row.version, row.content_ct),

    /** Every stored version of a secret, oldest first, opened. */
    history: (id: string) => versions.history(id),
    /** One earlier version, to write again as a new version; undefined when it does not exist. */
    restorable: (id: string, version: number) => versions.restorable(id, version),

    overrideAddress: (secretId: string, userId: number) => ({ row: `${secretId}:${userId}`, column: 'value' }),
    sealOverride: (secretId: string, userId: number, value: string) =>
      overrides.seal(value, { row: `${secretId}:${userId}`, column: 'value' }),
    openOverride: (secretId: string, userId: number, ct: string) =>
      overrides.openText(ct, { row: `${secretId}:${userId}`, column: 'value' }),

    async insert(
      env: EnvRow,
      id: string,
      content: SecretContent,
      sealed: SealedContent,
      actor: AuditActor,
      trx: Db<PhaseTables>,
    ) {
      const now = nowIso();
      const folder = await repo.folderFor(env.id, content.path, trx);
      await repo.insertSecret(
        {
          id,
          environment_id: env.id,
          folder_id: folder,
          path: content.path,
          key_digest: content.digest,
          version: 1,
          type: content.type,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        },
        trx,
      );
      await versionRow(id, 1, content, sealed, actor, trx, now);
      if (content.tags.length) await repo.setTags(id, content.tags, trx);
    },

    /** Phase bumps the version on every update, even of tags or the override only (docs/wire/phase.md §2.4). */
    async newVersion(
      env: EnvRow,
      row: SecretRow,
      content: SecretContent,
      sealed: SealedContent,
      tagsChanged: boolean,
      actor: AuditActor,
      trx: Db<PhaseTables>,
    ) {
      const now = nowIso();
      const version = row.version + 1;
      const folder = await repo.folderFor(env.id, content.path, trx);
      await repo.updateSecret(
        row.id,
        {
          path: content.path,
          folder_id: folder,
          key_digest: content.digest,
          version,
          type: content.type,
          updated_at: now,
        },
        trx,
      );
      await versionRow(row.id, version, content, sealed, actor, trx, now);
      if (tagsChanged) await repo.setTags(row.id, content.tags, trx);
    },

    async putOverride(secretId: string, userId: number, valueCt: string, isActive: boolean, trx: Db<PhaseTables>) {
      const now = nowIso();
      const existing = await repo.overrideOf(secretId, userId, trx);
      if (existing)
        await repo.updateOverride(
          existing.id,
          { value_ct: valueCt, is_active: isActive ? 1 : 0, updated_at: now },
          trx,
        );
      else
        await repo.insertOverride(
          {
            id: newUuid(),
            secret_id: secretId,
            user_id: userId,
            value_ct: valueCt,
            is_active: isActive ? 1 : 0,
            created_at: now,
            updated_at: now,
          },
          trx,
        );
    },
  };
}

export type SecretWriter = ReturnType<typeof createSecretWriter>;
