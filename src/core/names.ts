/**
 * Stable names shared across processes and releases: audit actions, lock rows, cookie names.
 * Audit action names are part of the product's interface (people build alerts on them): never rename one.
 */
export const AuditAction = {
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
  rootKeyRotate: 'keyring.root_key.rotate',
  dataKeyCreate: 'keyring.data_key.create',
  bootstrap: 'instance.bootstrap',
} as const;

/** Rows of `core_locks`: updating one serialises writers on both dialects (row lock on PostgreSQL, write lock on SQLite). */
export const LockName = {
  audit: 'audit-chain',
  bootstrap: 'bootstrap',
  keyring: 'keyring',
} as const;
export type LockName = (typeof LockName)[keyof typeof LockName];

export const SessionCookie = 'hush_session';
export const CsrfHeader = 'x-csrf-token';
