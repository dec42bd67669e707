import { defineAuditEvents } from '../../core/ports.js';

/**
 * Every audit action the Phase engine writes: changes through `ctx.audit`, reveals of plaintext through
 * `recordPlaintextReads` (those carry `engine: 'phase'` themselves, as they reach the log through the core's hook).
 */
export const PhaseAudit = defineAuditEvents({
  appCreate: 'app.create',
  appUpdate: 'app.update',
  appDelete: 'app.delete',
  environmentCreate: 'environment.create',
  environmentUpdate: 'environment.update',
  environmentDelete: 'environment.delete',
  secretCreate: 'secret.create',
  secretUpdate: 'secret.update',
  secretDelete: 'secret.delete',
  /** One entry per request that revealed secrets, naming every secret it revealed (objectType phase.environment). */
  secretRead: 'secret.read',
  /** A secret's version history was read (every version's plaintext). */
  secretHistoryRead: 'secret_history.read',
  /** A person removed their own override of a secret (DELETE /v1/secrets/{id}/override/, beyond Phase). */
  overrideDelete: 'override.delete',
  /** A Phase-format token was minted (POST /v1/tokens/ or `hush admin phase token-create`). */
  tokenCreate: 'token.create',
});
