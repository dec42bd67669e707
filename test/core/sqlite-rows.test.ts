import assert from 'node:assert/strict';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { openStore, sqliteFile, type Store } from '../../src/core/store/db.js';
import { tempDir } from '../helpers/server.js';

/** The same query through better-sqlite3's own row objects, on a connection of its own. */
const objectRows = (file: string, text: string) => {
  const other = new SQLite(file, { readonly: true });
  try {
    return other.prepare(text).all();
  } finally {
    other.close();
  }
};

describe('SQLite rows read raw and named in JS (src/core/store/sqlite-rows.ts)', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = tempDir();
    store = openStore({ databaseUrl: undefined, dataDir: dir });
    await sql`create table t (id integer primary key, a text, b blob, c real)`.execute(store.db);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the rows better-sqlite3 gives: types, nulls, repeated names, RETURNING', async () => {
    const inserted =
      await sql`insert into t (a, b, c) values ('x', x'00ff', 1.5), (null, null, null) returning *`.execute(store.db);
    assert.deepEqual(inserted.rows, [
      { id: 1, a: 'x', b: Buffer.from([0, 255]), c: 1.5 },
      { id: 2, a: null, b: null, c: null },
    ]);
    for (const text of [
      'select * from t order by id',
      'select a, id as a, count(*) as n from t group by id order by id',
    ]) {
      const rows = (await sql.raw(text).execute(store.db)).rows;
      assert.deepEqual(rows, objectRows(sqliteFile(dir), text), text);
      assert.deepEqual(Object.keys(rows[0] as object), Object.keys(objectRows(sqliteFile(dir), text)[0] as object));
    }
  });

  it('names the columns anew when another connection changed what `*` stands for', async () => {
    const text = 'select * from t where id = 1';
    assert.deepEqual((await sql.raw(text).execute(store.db)).rows, [
      { id: 1, a: 'x', b: Buffer.from([0, 255]), c: 1.5 },
    ]);
    const other = new SQLite(sqliteFile(dir));
    other.exec(`alter table t add column d text default 'new'`);
    other.close();
    // The cached statement is prepared again by SQLite; its rows now have five values.
    assert.deepEqual((await sql.raw(text).execute(store.db)).rows, [
      { id: 1, a: 'x', b: Buffer.from([0, 255]), c: 1.5, d: 'new' },
    ]);
  });
});
