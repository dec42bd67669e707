import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { forEachDialect } from './dialects.js';
import {
  HUSH_TEST_REQUIRE_POSTGRES,
  dropPostgresDatabase,
  freshPostgresDatabase,
  postgresUnavailableReason,
} from './postgres.js';

// Under HUSH_TEST_REQUIRE_POSTGRES=1 nothing is skipped: freshPostgresDatabase throws and the suite fails.
describe('PostgreSQL test harness', { skip: HUSH_TEST_REQUIRE_POSTGRES ? false : postgresUnavailableReason() }, () => {
  let url: string | undefined;
  before(async () => {
    url = await freshPostgresDatabase();
  });
  after(async () => {
    if (url) await dropPostgresDatabase(url);
  });

  it('hands out a fresh, empty, writable database', async () => {
    assert.match(url ?? '', /^postgres:\/\/[^/]+\/hush_t_[0-9a-f]{12}$/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
      );
      assert.equal(tables.rows[0].n, 0);
      await client.query('create table t (id int primary key, v text not null)');
      await client.query('insert into t values ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
      const { rows } = await client.query('select v from t order by id');
      assert.deepEqual(
        rows.map((r) => r.v),
        ['one', 'two'],
      );
    } finally {
      await client.end();
    }
  });

  it('gives every call its own database', async () => {
    const other = await freshPostgresDatabase();
    assert.ok(other);
    assert.notEqual(other, url);
    await dropPostgresDatabase(other);
    const client = new pg.Client({ connectionString: other });
    await assert.rejects(client.connect(), /does not exist/);
  });
});

forEachDialect('dialect harness', (dialect) => {
  it('fills in the database URL before the tests run', () => {
    if (dialect.name === 'sqlite') assert.equal(dialect.databaseUrl, undefined);
    else assert.match(dialect.databaseUrl ?? '', /^postgres:\/\//);
  });
});
