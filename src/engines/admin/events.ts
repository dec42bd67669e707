import { AuditAction, defineAuditEvents } from '../../core/ports.js';

/**
 * What the admin engine's requests write. The changes are made by the core's identity admin
 * (src/core/identity/admin.ts), which writes them under the engine `admin` in the change's transaction, for this
 * API and `hush admin users|tokens|permissions` alike; the names are the core's (src/core/names.ts).
 */
export const AdminAudit = defineAuditEvents({
  userCreate: AuditAction.userCreate,
  userUpdate: AuditAction.userUpdate,
  userDelete: AuditAction.userDelete,
  tokenCreate: AuditAction.tokenCreate,
  tokenUpdate: AuditAction.tokenUpdate,
  tokenRevoke: AuditAction.tokenRevoke,
  tokenProvision: AuditAction.tokenProvision,
  permissionCreate: AuditAction.permissionCreate,
  permissionUpdate: AuditAction.permissionUpdate,
  permissionDelete: AuditAction.permissionDelete,
  sessionLogin: AuditAction.sessionLogin,
  sessionLogout: AuditAction.sessionLogout,
});
