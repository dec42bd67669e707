import type { Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';
import { objectIdsOf } from '../objects.js';

// Entries read per batch while the side table is filled from the entries already there.
const BACKFILL_BATCH = 1000;

/**
 * The audit log at millions of entries (issue 18): every filter of `GET /api/core/audit-log/` reads an index that
 * also yields newest-first order, so a page costs the rows it returns instead of a scan of the table.
 *
 * - `(column, seq)` pairs for actor (id and name), engine, action and object type: the equality picks a range
 *   already in `seq` order. `at` keeps its own index (0004) for time ranges.
 * - `core_audit_object`: one row per (object id, entry) for the entry's own `object_id` and every id a read of
 *   many names in `details.objects`, replacing the `details LIKE` scan of 0004's `object_id` search. Derived from
 *   the entries (and removed with them by an archive): the chain's hashes cover the entries, not this table.
 */
export const auditScaleMigration: HushMigration = {
  name: '0007_audit_scale',
  async up(db: Kysely<any>) {
    const pairs: [string, string][] = [
      ['core_audit_log_actor_seq', 'actor_user_id'],
      ['core_audit_log_username_seq', 'actor_username'],
      ['core_audit_log_engine_seq', 'engine'],
      ['core_audit_log_action_seq', 'action'],
      ['core_audit_log_type_seq', 'object_type'],
    ];
    for (const [name, column] of pairs)
      await db.schema.createIndex(name).on('core_audit_log').columns([column, 'seq']).execute();
    // Superseded by the pairs above, which serve every query these served.
    await db.schema.dropIndex('core_audit_log_actor').execute();
    await db.schema.dropIndex('core_audit_log_engine').execute();

    await db.schema
      .createTable('core_audit_object')
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('core_audit_object_pk', ['object_id', 'seq'])
      .execute();
    // An archive removes by seq range.
    await db.schema.createIndex('core_audit_object_seq').on('core_audit_object').column('seq').execute();

    for (let after = 0; ;) {
      const rows: { seq: number; object_id: string | null; details: string }[] = await db
        .selectFrom('core_audit_log')
        .select(['seq', 'object_id', 'details'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(BACKFILL_BATCH)
        .execute();
      if (!rows.length) break;
      const links = rows.flatMap((r) =>
        objectIdsOf(r.object_id, parseDetails(r.details)).map((object_id) => ({ object_id, seq: r.seq })),
      );
      for (let i = 0; i < links.length; i += BACKFILL_BATCH)
        await db
          .insertInto('core_audit_object')
          .values(links.slice(i, i + BACKFILL_BATCH))
          .execute();
      after = rows[rows.length - 1]!.seq;
    }
  },
};

function parseDetails(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
