import assert from 'node:assert/strict';
import { CompiledQuery, type Kysely, type KyselyPlugin } from 'kysely';
import { after, before, it } from 'node:test';
import { createListsRepo } from '../../../src/engines/lists/repo.js';
import type { ListsTables } from '../../../src/engines/lists/tables.js';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs, listWith, type ListsCall } from './helpers.js';

/** A handle on the same database that records the SQL text of every statement run through it. */
function loggingDb(db: Kysely<ListsTables>, statements: string[]): Kysely<ListsTables> {
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      statements.push(db.getExecutor().compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return db.withPlugin(plugin);
}

/** Follows all-values' `Link: <…>; rel="next"` from `path` to the end; the ids of every page, in order. */
async function followPages(hush: RunningHush, call: ListsCall, path: string): Promise<string[][]> {
  const pages: string[][] = [];
  for (let next: string | undefined = path; next;) {
    const res = await call('GET', next);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res.body.map((v: any) => v.id));
    const link = res.headers.get('link');
    const url = link && /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    next = url ? url.slice(hush.url.length) : undefined;
    assert.ok(!url || url.startsWith(hush.url), `the next link is absolute on this server: ${url}`);
  }
  return pages;
}

forEachDialect('lists: all-values pages by keyset', (dialect) => {
  let hush: RunningHush;
  let call: ListsCall;
  const keys: string[] = [];

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    call = listsAs(hush, hush.token);
    for (const [n, name] of ['one', 'two', 'three'].entries()) {
      const values = Object.fromEntries(
        Array.from({ length: 8 + n }, (_, i) => [`${name.toUpperCase()}_${i}`, `v${i}`]),
      );
      keys.push(...Object.keys(values));
      await listWith(call, name, values);
    }
  });
  after(() => hush.close());

  it('a client that follows the next links gets every value exactly once, in the fixed order', async () => {
    const pages = await followPages(hush, call, '/api/secrets/all-values?limit=7');
    assert.deepEqual(
      pages.map((p) => p.length),
      [7, 7, 7, 6],
    );
    const ids = pages.flat();
    assert.equal(new Set(ids).size, ids.length);
    // The same order as an offset listing of everything (list, then creation).
    const everything = await call('GET', '/api/secrets/all-values?offset=0&limit=100');
    assert.deepEqual(
      ids,
      everything.body.map((v: any) => v.id),
    );
    assert.equal(ids.length, keys.length);
  });

  it('an offset page says with a next link (the next offset) when more values follow it', async () => {
    const pages = await followPages(hush, call, '/api/secrets/all-values?offset=0&limit=7');
    assert.deepEqual(
      pages.map((p) => p.length),
      [7, 7, 7, 6],
    );
    const keyset = await followPages(hush, call, '/api/secrets/all-values?limit=7');
    assert.deepEqual(pages, keyset);
    const first = await call('GET', '/api/secrets/all-values?offset=0&limit=7');
    assert.match(first.headers.get('link') ?? '', /[?&]offset=7(&|>)/);
    const exact = await call('GET', `/api/secrets/all-values?offset=0&limit=${keys.length}`);
    assert.equal(exact.body.length, keys.length);
    assert.equal(exact.headers.get('link'), null);
  });

  it("answers the seed's plain GET whole while it fits in one page, with no next link", async () => {
    const res = await call('GET', '/api/secrets/all-values');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((v: any) => v.secret_key).sort(), [...keys].sort());
    assert.equal(res.headers.get('link'), null);
  });

  it('a page is one statement seeking past the last key, with no OFFSET', async () => {
    const statements: string[] = [];
    const repo = createListsRepo(loggingDb(hush.app.core.db as Kysely<ListsTables>, statements));
    const first = await repo.valuesAfter('all', undefined, 5);
    const last = first[first.length - 1]!;
    const second = await repo.valuesAfter('all', last, 5);
    assert.equal(second.length, 5);
    assert.equal(statements.length, 2);
    assert.match(
      statements[1]!,
      /\("lists_values"\."list_id", "lists_values"\."created_at", "lists_values"\."id"\) > \(/,
    );
    for (const s of statements) assert.doesNotMatch(s, /\boffset\b/i);
    if (dialect.name === 'sqlite') {
      const q = CompiledQuery.raw(`explain query plan ${statements[1]!}`, [last.list_id, last.created_at, last.id, 6]);
      const plan = (await hush.app.core.db.executeQuery<{ detail: string }>(q)).rows.map((r) => r.detail).join('\n');
      // A seek into the order index, and no sort: the page costs its own rows at any depth.
      assert.match(
        plan,
        /SEARCH lists_values USING INDEX lists_values_list_order \(\(list_id,created_at,id\)>\(\?,\?,\?\)\)/,
        plan,
      );
      assert.doesNotMatch(plan, /TEMP B-TREE|SCAN lists_values/, plan);
    }
  });

  it('refuses a cursor it did not make, and after with offset, naming the field', async () => {
    for (const q of [
      'after=bm9wZQ',
      'after=!!',
      `after=${Buffer.from('[1,"x",2]').toString('base64url')}`,
      ...[2147483648, 0, -1, 9007199254740991].map(
        (id) => `after=${Buffer.from(JSON.stringify([id, '2026-01-01T00:00:00.000Z', 'x'])).toString('base64url')}`,
      ),
    ]) {
      const res = await call('GET', `/api/secrets/all-values?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.field, 'after');
    }
    const both = await call('GET', '/api/secrets/all-values?after=abc&offset=1');
    assert.deepEqual([both.status, both.body.error.field], [400, 'after']);
    assert.equal((await call('GET', '/api/secrets/all-values?limit=10001')).status, 400);
  });
});
