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
 * `core_audit_object` side table, the others through a `(column, seq)` index or `at`'s. `bounds`: what queryBounds
 * found for the filter.
 */
export function auditQuery(
  db: Kysely<AuditTables>,
  filter: AuditFilter,
  bounds: SeqBounds = {},
): SelectQueryBuilder<AuditTables, 'core_audit_log', object> {
  let q = db.selectFrom('core_audit_log');
  if (filter.actor !== undefined) {
    const actor = filter.actor;
    q = /^\d+$/.test(actor) ? q.where('actor_user_id', '=', Number(actor)) : q.where('actor_username', '=', actor);
  }
  if (filter.objectId !== undefined) {
    const objectId = filter.objectId;
    // The entry's own object and every id a read of many names (docs/audit.md §5).
    // An entry about few objects has a row per object; one about many names an object set (migration 0010), whose
    // ids the bounds looked up first: named as values, the planner sees how few entries they are, where a join
    // through the set tables made PostgreSQL guess thousands and walk the log newest first (150 ms at 1M entries).
    const sets = bounds.objectSets;
    q = q.where('seq', 'in', (eb) => {
      const own = eb
        .selectFrom('core_audit_object')
        .select('core_audit_object.seq')
        .where('core_audit_object.object_id', '=', objectId);
      if (sets?.length === 0) return own;
      return own.unionAll(
        eb
          .selectFrom('core_audit_entry_set')
          .select('core_audit_entry_set.seq')
          .where(
            'core_audit_entry_set.set_id',
            'in',
            sets ??
              eb
                .selectFrom('core_audit_set_member')
                .select('core_audit_set_member.set_id')
                .where('core_audit_set_member.object_id', '=', objectId),
          ),
      );
    });
  }
  if (filter.engine !== undefined) q = q.where('engine', '=', filter.engine);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.objectType !== undefined) q = q.where('object_type', '=', filter.objectType);
  // A time bound becomes a bound on `seq` too (timeBounds), so the page reads a range of the primary key rather than
  // every newer entry; the `at` test still decides which entries are in.
  if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('at', '<', filter.until);
  if (bounds.fromSeq !== undefined) q = q.where('seq', '>=', bounds.fromSeq);
  if (bounds.toSeq !== undefined) q = q.where('seq', '<=', bounds.toSeq);
  return q;
}

/**
 * What a filter resolves to before its query is built (queryBounds): the `seq` range that holds a time filter's
 * entries (an empty range when no entry is inside the times), and the object sets holding a filtered object.
 */
export interface SeqBounds {
  fromSeq?: number;
  toSeq?: number;
  /** Undefined: not looked up (the query then joins through the set tables itself). */
  objectSets?: string[];
}

// More sets than this holding one object are joined in the query rather than named as values.
const MAX_NAMED_SETS = 1000;

/** timeBounds, and the object sets holding `filter.objectId`. */
export async function queryBounds(db: Kysely<AuditTables>, filter: AuditFilter): Promise<SeqBounds> {
  const bounds = await timeBounds(db, filter);
  if (filter.objectId === undefined) return bounds;
  const sets = await db
    .selectFrom('core_audit_set_member')
    .select('set_id')
    .where('object_id', '=', filter.objectId)
    .limit(MAX_NAMED_SETS + 1)
    .execute();
  return sets.length > MAX_NAMED_SETS ? bounds : { ...bounds, objectSets: sets.map((r) => r.set_id) };
}

/**
 * How many entries out of time order a time filter still finds exactly. An entry's time is taken after its number,
 * so concurrent appends on PostgreSQL land a few entries out of order; nodes' clocks differ by milliseconds (seconds
 * after a clock step), which at any plausible rate is far fewer entries than this.
 */
export const TIME_ORDER_SLACK = 10_000;

/**
 * The lowest `seq` of the entries at or after `since` and the highest before `until`, each found among the
 * TIME_ORDER_SLACK entries nearest that bound by time (a range read of the index on `at`): the lowest number of the
 * whole range would read all of it (half a second at 3M entries; bench/README.md "Scale"). Exact unless an entry is
 * more than TIME_ORDER_SLACK entries out of time order.
 */
export async function timeBounds(db: Kysely<AuditTables>, filter: AuditFilter): Promise<SeqBounds> {
  const bounds: SeqBounds = {};
  if (filter.since !== undefined) {
    const low = await edgeSeq(db, 'min', filter.since);
    // No entry at or after `since`: a range nothing is in.
    if (low === undefined) return { fromSeq: 1, toSeq: 0 };
    bounds.fromSeq = low;
  }
  // seq starts at 1: 0 is a bound nothing is under.
  if (filter.until !== undefined) bounds.toSeq = (await edgeSeq(db, 'max', filter.until)) ?? 0;
  return bounds;
}

/** The lowest seq among the TIME_ORDER_SLACK entries from `at` on ('min'), or the highest of those before it ('max'). */
async function edgeSeq(db: Kysely<AuditTables>, edge: 'min' | 'max', at: string): Promise<number | undefined> {
  const nearest = db
    .selectFrom('core_audit_log')
    .select('seq')
    .where('at', edge === 'min' ? '>=' : '<', at)
    .orderBy('at', edge === 'min' ? 'asc' : 'desc')
    .limit(TIME_ORDER_SLACK)
    .as('w');
  const row = await db
    .selectFrom(nearest)
    .select((eb) => (edge === 'min' ? eb.fn.min('w.seq') : eb.fn.max('w.seq')).as('seq'))
    .executeTakeFirst();
  return row?.seq == null ? undefined : Number(row.seq);
}
