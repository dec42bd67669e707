import { invalid, microsIso, type AuditActor, type AuditEvent, type Caller } from '../../../core/ports.js';
import { ERR, phaseError } from '../errors.js';
import type { EnvRow, PhaseRepo } from '../repo.js';
import type { SecretJson } from '../serializers.js';
import { PhaseAudit } from '../events.js';
import { parseBody, type SecretType, type UpdateItem } from '../validate.js';
import { PHASE_ENGINE, PhaseObject } from './context.js';
import type { SecretWriter } from './writer.js';

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

/** A secret's versions and restoring one: beyond Phase, on the version tables the writer keeps. */
export function createSecretHistory(deps: {
  repo: PhaseRepo;
  writer: SecretWriter;
  update: (caller: Caller, actor: AuditActor, env: EnvRow, items: UpdateItem[]) => Promise<SecretJson[]>;
  /** How a read of current values is audited (`secret.read`, like a listing). */
  readEvents: (secretIds: string[], environmentId: string) => AuditEvent[];
}) {
  return {
    /**
     * Every version of a live secret, oldest first, as stored (references not resolved). Beyond Phase. `latest`: only
     * the current version, so a client showing a value as written (`${DB_HOST}`) does not fetch every rotated-out
     * one; that is a read of the current value, audited as `secret.read` rather than `secret_history.read`.
     */
    async history(
      env: EnvRow,
      id: string,
      options: { latest?: boolean } = {},
    ): Promise<{ versions: VersionJson[]; reads: AuditEvent[] }> {
      const [row] = await deps.repo.liveById(env.id, [id], deps.repo.db);
      if (!row) throw phaseError('not_found', ERR.secretNotFound(id));
      const stored = options.latest
        ? [await deps.writer.restorable(id, row.version)].filter((v) => v !== undefined)
        : await deps.writer.history(id);
      const versions = stored.map((v) => ({
        version: v.version,
        ...v.content,
        path: v.extra.path,
        type: v.extra.type,
        tags: JSON.parse(v.extra.tags) as string[],
        createdAt: microsIso(v.createdAt),
        actor: v.actorUserId,
      }));
      if (options.latest) return { versions, reads: deps.readEvents([id], env.id) };
      return {
        versions,
        reads: [
          {
            engine: PHASE_ENGINE,
            action: PhaseAudit.secretHistoryRead,
            objectType: PhaseObject.secret,
            objectId: id,
            details: { environment: env.id, versions: versions.length },
          },
        ],
      };
    },

    /** Brings an earlier version back as a new version (key, value, comment, path, type and tags). Beyond Phase. */
    async restore(caller: Caller, actor: AuditActor, env: EnvRow, id: string, body: unknown): Promise<SecretJson[]> {
      const raw = parseBody(body).version;
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1)
        throw invalid('version', 'must be a positive integer');
      const [row] = await deps.repo.liveById(env.id, [id], deps.repo.db);
      if (!row) throw phaseError('not_found', ERR.secretNotFound(id));
      const old = await deps.writer.restorable(id, raw);
      if (!old) throw phaseError('not_found', `Version ${raw} of secret ${id} not found`);
      const { path, type, tags } = old.extra;
      return deps.update(caller, actor, env, [
        {
          id,
          key: old.content.key,
          value: old.content.value,
          comment: old.content.comment,
          path,
          tags: JSON.parse(tags) as string[],
          type: type as SecretType,
          override: undefined,
        },
      ]);
    },
  };
}
