import { invalid, type AuditActor, type Caller } from '../../../core/ports.js';
import { ERR, phaseError } from '../errors.js';
import { PhaseAudit } from '../events.js';
import type { EnvRow } from '../repo.js';
import { PhaseObject, type PhaseContext } from './context.js';

/**
 * Removing a person's own override of a secret: beyond Phase, whose REST API can only deactivate one
 * (docs/wire/phase.md §2.4) while its console deletes them. Setting one stays Phase's PUT with `override`.
 */
export function createOverrideService(pc: PhaseContext) {
  const { repo, ctx } = pc;
  return {
    /** Deletes the caller's override of secret `id` in `env`; 404 when the caller has none there. */
    async remove(caller: Caller, actor: AuditActor, env: EnvRow, id: string): Promise<void> {
      if (caller.user.kind !== 'person') throw invalid('override', 'only people have personal overrides');
      const [row] = await repo.liveById(env.id, [id], repo.db);
      if (!row) throw phaseError('not_found', ERR.secretNotFound(id));
      const removed = await repo.db.transaction().execute(async (trx) => {
        const existing = await repo.overrideOf(id, caller.user.id, trx);
        if (!existing) return false;
        // The revision labels what readers have cached of this environment (README "Reads").
        await repo.bumpRevision(env.id, trx);
        await repo.deleteOverride(existing.id, trx);
        await ctx.audit.appendWithin(trx, actor, [
          {
            action: PhaseAudit.overrideDelete,
            objectType: PhaseObject.secret,
            objectId: id,
            details: { environment: env.id },
          },
        ]);
        return true;
      });
      if (!removed) throw phaseError('not_found', `You have no override of secret ${id}`);
    },
  };
}

export type OverrideService = ReturnType<typeof createOverrideService>;
