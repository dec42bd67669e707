import { sql, type Kysely } from 'kysely';
import type { HushMigration } from '../../store/migrate.js';
import { GENESIS_HASH } from '../chain.js';

// Fixed here, for every instance migrated by this step: a later change of the count is a migration of its own.
const STRIPES = 16;

/**
 * A striped audit chain (issue 18 item 5; src/core/audit/README.md): sixteen independent chains, each with its own
 * head row, so appends on different objects lock different rows and commit side by side on PostgreSQL.
 *
 * - `core_audit_log.stripe`: the chain an entry links into; every existing entry is in stripe 1, whose head is the
 *   one row there was before, and whose entries hash as they always did (chain.ts).
 * - `core_audit_head` gets rows 2..16, each empty (seq 0, the genesis hash).
 * - `seq` stays unique and ordered across stripes: on PostgreSQL it comes from the sequence `core_audit_seq`, which
 *   hands out numbers without a lock held to commit (a rolled-back append leaves a gap, which is why the chain is
 *   checked by its links, not by consecutive numbers); SQLite has one writer at a time and counts on from the heads.
 */
export const auditStripesMigration: HushMigration = {
  name: '0009_audit_stripes',
  async up(db: Kysely<any>, dialect) {
    await db.schema
      .alterTable('core_audit_log')
      .addColumn('stripe', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db
      .insertInto('core_audit_head')
      .values(Array.from({ length: STRIPES - 1 }, (_, i) => ({ id: i + 2, seq: 0, hash: GENESIS_HASH })))
      .execute();
    if (dialect.name === 'postgres') {
      // No default once the existing entries have theirs: a node still running the build before this one inserts
      // without a stripe (it locks only the old chain row, which this build no longer takes), and must fail rather
      // than fork stripe 1. SQLite has one writer at a time, so an old node's append there stays a valid link.
      await sql`alter table core_audit_log alter column stripe drop default`.execute(db);
      // CACHE 1 (PostgreSQL's default, stated so nobody raises it): with a cache per backend, numbers would no longer
      // follow the order appends take their stripe's head, and verify would see entries out of chain order.
      await sql`create sequence core_audit_seq cache 1`.execute(db);
      // Continues after the newest entry (setval's third argument false: the next value is exactly 1 on a new log).
      await sql`select setval('core_audit_seq', coalesce((select max(seq) from core_audit_head), 0) + 1, false)`.execute(
        db,
      );
    }
  },
};
