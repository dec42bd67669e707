import { defineAuditEvents } from '../../core/ports.js';

/** Every audit action the Passbolt engine writes (docs/audit.md §1); the README lists them for people writing alert rules. */
export const PassboltAudit = defineAuditEvents({
  /** A JWT or GPGAuth login (`details.method`); JWT refreshes are not logged (they renew the same session every five minutes). */
  sessionLogin: 'session.login',
  sessionLogout: 'session.logout',
  /**
   * A login refused for a known account (GPGAuth stage 2: a token malformed, wrong, spent or expired; JWT: a challenge
   * refused), with no actor: the account tried and the reason are in `details`.
   */
  sessionRefused: 'session.refused',
  resourceCreate: 'resource.create',
  resourceUpdate: 'resource.update',
  resourceDelete: 'resource.delete',
  resourceShare: 'resource.share',
  /** Copies of a resource's secret stored, replaced or removed (one entry per change, naming the recipients). */
  secretCreate: 'secret.create',
  secretUpdate: 'secret.update',
  secretDelete: 'secret.delete',
  /** A secret copy handed out (encrypted to the caller, but still the resource's secret). */
  secretRead: 'secret.read',
  /** Groups: created with their members, changed (renamed, members added or removed, roles), deleted. */
  groupCreate: 'group.create',
  groupUpdate: 'group.update',
  groupDelete: 'group.delete',
  gpgkeyCreate: 'gpgkey.create',
  gpgkeyReplace: 'gpgkey.replace',
});
