import { defineAuditEvents } from './audit/events.js';

/**
 * Stable names shared across processes and releases: audit actions, lock rows, cookie names.
 * Audit action names are part of the product's interface (people build alerts on them): they follow the naming rule
 * of core/audit/events.ts and are never renamed otherwise.
 *
 * The core's own actions: identity changes (written by core/identity/admin.ts under the engine `admin`, for the
 * admin API and `hush admin users|tokens|permissions`) and, under the engine `core`, the keyring's and bootstrap's.
 */
export const AuditAction = defineAuditEvents({
  userCreate: 'user.create',
  userUpdate: 'user.update',
  userDelete: 'user.delete',
  tokenCreate: 'token.create',
  tokenUpdate: 'token.update',
  tokenRevoke: 'token.revoke',
  tokenProvision: 'token.provision',
  permissionCreate: 'permission.create',
  permissionUpdate: 'permission.update',
  permissionDelete: 'permission.delete',
  sessionLogin: 'session.login',
  sessionLogout: 'session.logout',
  rootKeyRotate: 'root_key.rotate',
  dataKeyCreate: 'data_key.create',
  bootstrap: 'instance.bootstrap',
  /** The checkpoint an archive leaves in the live chain (core/audit/archive.ts). */
  auditArchive: 'audit_log.archive',
});

/** Rows of `core_locks`: updating one serialises writers on both dialects (row lock on PostgreSQL, write lock on SQLite). */
export const LockName = {
  /** No longer taken (since core migration 0009 an append locks its stripe's head row); its row stays. */
  audit: 'audit-chain',
  bootstrap: 'bootstrap',
  keyring: 'keyring',
} as const;
export type LockName = (typeof LockName)[keyof typeof LockName];

export const SessionCookie = 'hush_session';
export const CsrfHeader = 'x-csrf-token';
