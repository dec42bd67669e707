import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { after, before, it } from 'node:test';
import { openStore, type Store } from '../../src/core/store/db.js';
import { literalCount } from '../../src/core/store/page-sql.js';
import { preparedQuery } from '../../src/core/store/prepared.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

interface Tables {
  prepared_things: { id: number; name: string; kind: string };
}

/** The mechanisms of issue 18's per-request savings: queries compiled once, page bounds written as integers. */
forEachDialect('queries compiled once', (dialect) => {
  let dataDir: string;
  let store: Store;
  let db: Kysely<Tables>;

  before(async () => {
    dataDir = tempDir();
    store = openStore({ databaseUrl: dialect.databaseUrl, dataDir });
    db = store.db as Kysely<Tables>;
    await sql`drop table if exists prepared_things`.execute(db);
    await db.schema
      .createTable('prepared_things')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .execute();
  });
  after(async () => {
    await sql`drop table if exists prepared_things`.execute(db);
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds once and runs with each call’s values, constants kept, in and out of a transaction', async () => {
    let builds = 0;
    const insert = preparedQuery(db, 2, (q, id: number, name: string) => {
      builds += 1;
      return q.insertInto('prepared_things').values({ id, name, kind: 'fixed' });
    });
    const byName = preparedQuery(db, 1, (q, name: string) =>
      q.selectFrom('prepared_things').selectAll().where('name', '=', name).where('kind', '=', 'fixed'),
    );
    await insert(db, 1, 'one');
    await db.transaction().execute(async (trx) => {
      await insert(trx, 2, 'two');
      await insert(trx, 3, 'three');
    });
    assert.equal(builds, 1);
    assert.deepEqual((await byName(db, 'two')).rows, [{ id: 2, name: 'two', kind: 'fixed' }]);
    assert.deepEqual((await byName(db, 'three')).rows, [{ id: 3, name: 'three', kind: 'fixed' }]);
    assert.deepEqual((await byName(db, 'four')).rows, []);
  });

  it('refuses a NUL in a value, as the text guard does for built queries', async () => {
    const byName = preparedQuery(db, 1, (q, name: string) =>
      q.selectFrom('prepared_things').selectAll().where('name', '=', name),
    );
    await assert.rejects(byName(db, 'a\u0000b'), { kind: 'invalid', reason: 'nul_in_text' });
  });

  it('refuses a NUL anywhere in a built query: a value, a raw literal, an identifier, a compiled query run as is', async () => {
    const nul = { kind: 'invalid', reason: 'nul_in_text' };
    await assert.rejects(db.selectFrom('prepared_things').selectAll().where('name', '=', 'a\u0000b').execute(), nul);
    await assert.rejects(
      db.insertInto('prepared_things').values({ id: 9, name: 'x', kind: 'a\u0000b' }).execute(),
      nul,
    );
    await assert.rejects(sql`select ${sql.lit('a\u0000b')} as v`.execute(db), nul);
    await assert.rejects(db.selectFrom('prepared_things').select(sql.ref('a\u0000b').as('v')).execute(), nul);
    const compiled = db.selectFrom('prepared_things').selectAll().where('name', '=', 'a\u0000b').compile();
    await assert.rejects(db.executeQuery(compiled), nul);
    assert.equal((await db.selectFrom('prepared_things').selectAll().where('id', '=', 9).execute()).length, 0);
  });

  it('writes page bounds into the SQL text, and only non-negative safe integers', async () => {
    const q = db.selectFrom('prepared_things').selectAll().orderBy('id').limit(literalCount(2)).offset(literalCount(1));
    assert.match(q.compile().sql, /limit 2 offset 1$/);
    assert.deepEqual(
      (await q.execute()).map((r) => r.id),
      [2, 3],
    );
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) assert.throws(() => literalCount(bad), { kind: 'internal' });
  });
});
