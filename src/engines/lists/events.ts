import { defineAuditEvents } from '../../core/ports.js';

/** Every audit action the lists engine writes (docs/audit.md §1); the README lists them for people writing alert rules. */
export const ListsAudit = defineAuditEvents({
  listCreate: 'list.create',
  listRename: 'list.rename',
  listDelete: 'list.delete',
  valueCreate: 'value.create',
  valueUpdate: 'value.update',
  valueRestore: 'value.restore',
  valueDelete: 'value.delete',
  /** One entry per request that revealed values, naming them all in `details.objects`. */
  valueRead: 'value.read',
  /** A value's history was shown (every version's plaintext); the entry names the value, never its content. */
  valueHistoryRead: 'value_history.read',
});
