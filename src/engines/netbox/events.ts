import { defineAuditEvents } from '../../core/ports.js';

/** The engine's name: the audit port stamps it on changes; plaintext reads, which go through the core hook, carry it. */
export const NETBOX_ENGINE = 'netbox';

/**
 * Every audit action the engine writes (stable once released; the engine is its own column, docs/audit.md §1). Key
 * material and plaintext never appear in their details.
 */
export const NetboxAudit = defineAuditEvents({
  secretRead: 'secret.read',
  secretCreate: 'secret.create',
  secretUpdate: 'secret.update',
  secretDelete: 'secret.delete',
  roleCreate: 'secret_role.create',
  roleUpdate: 'secret_role.update',
  roleDelete: 'secret_role.delete',
  userKeyCreate: 'user_key.create',
  userKeyUpdate: 'user_key.update',
  userKeyDelete: 'user_key.delete',
  userKeyActivate: 'user_key.activate',
  masterKeyBootstrap: 'master_key.bootstrap',
  // Also written, with `preserved: true` and outside any transaction, when a request recovers the existing key.
  sessionKeyCreate: 'session_key.create',
  sessionKeyRefused: 'session_key.refused',
  sessionKeyDelete: 'session_key.delete',
  keyPairGenerate: 'rsa_key_pair.generate',
  inventoryCreate: 'inventory.create',
  inventoryUpdate: 'inventory.update',
  inventoryDelete: 'inventory.delete',
});
