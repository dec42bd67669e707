import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { AuditTables } from './tables.js';

export interface AuditFilter {
  actor?: string | undefined;
  engine?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * The entries matching `filter`, as one query both the page and its count start from. Every filter reads an index
 * of migration 0007 (test/core/audit-indexes.test.ts checks the plans on both dialects): an object id through the
 * `core_audit_object` side table, the others through a `(column, seq)` index or `at`'s.
 */
export function auditQuery(
  db: Kysely<AuditTables>,
  filter: AuditFilter,
): SelectQueryBuilder<AuditTables, 'core_audit_log', object> {
  let q = db.selectFrom('core_audit_log');
  if (filter.actor !== undefined) {
    const actor = filter.actor;
    q = /^\d+$/.test(actor) ? q.where('actor_user_id', '=', Number(actor)) : q.where('actor_username', '=', actor);
  }
  if (filter.objectId !== undefined) {
    const objectId = filter.objectId;
    // The entry's own object and every id a read of many names (docs/audit.md §5).
    q = q.where('seq', 'in', (eb) =>
      eb.selectFrom('core_audit_object').select('core_audit_object.seq').where('object_id', '=', objectId),
    );
  }
  if (filter.engine !== undefined) q = q.where('engine', '=', filter.engine);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.objectType !== undefined) q = q.where('object_type', '=', filter.objectType);
  // A time bound becomes a bound on `seq` too, found through `at`'s index: entries are appended in time order, so
  // the page reads a range of the primary key rather than every newer entry. The seq bound is the first (last)
  // entry inside the range, so it stays exact even if two nodes' clocks disagree; the `at` test decides.
  if (filter.since !== undefined) {
    const since = filter.since;
    q = q.where('at', '>=', since).where('seq', '>=', (eb) =>
      eb
        .selectFrom('core_audit_log as s')
        .select((e) => e.fn.min('s.seq').as('first'))
        .where('s.at', '>=', since),
    );
  }
  if (filter.until !== undefined) {
    const until = filter.until;
    q = q.where('at', '<', until).where('seq', '<=', (eb) =>
      eb
        .selectFrom('core_audit_log as u')
        .select((e) => e.fn.max('u.seq').as('last'))
        .where('u.at', '<', until),
    );
  }
  return q;
}
