import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { HushError } from '../../src/core/errors.js';
import { openStore, type Store } from '../../src/core/store/db.js';
import { StoreFaultReason } from '../../src/core/store/faults.js';
import { checkReadiness } from '../../src/core/store/health.js';
import {
  dropPostgresDatabase,
  freshPostgresDatabase,
  HUSH_TEST_REQUIRE_POSTGRES,
  postgresUnavailableReason,
} from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';

const causeCode = (e: unknown) => ((e as HushError).cause as { code?: string } | undefined)?.code;

describe('store faults [sqlite]', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = tempDir();
    store = openStore({ databaseUrl: undefined, dataDir: dir });
    await sql`create table t (v blob)`.execute(store.db);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction that meets SQLITE_FULL rejects with "storage full", not with the failed ROLLBACK after it', async () => {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(store.db);
    try {
      const err = await store.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into t values (zeroblob(100000))`.execute(trx);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof HushError, `got ${String(err)}`);
      assert.equal(err.kind, 'unavailable');
      assert.equal(err.reason, StoreFaultReason.storageFull);
      assert.equal(causeCode(err), 'SQLITE_FULL');
      assert.ok(store.health.storageFullSince, 'the store remembers it is full');
      assert.deepEqual(await checkReadiness(store), { ready: false, fault: 'storage_full', cause: undefined });
    } finally {
      await sql.raw('pragma max_page_count = 1073741823').execute(store.db);
    }
    // No transaction was left open: the next one runs and commits.
    await store.db.transaction().execute((trx) => sql`insert into t values (x'00')`.execute(trx));
    assert.equal(store.health.storageFullSince, undefined, 'a saved write clears the full state');
    assert.deepEqual(await checkReadiness(store), { ready: true });
  });
});

describe('store faults [postgres]', { skip: !HUSH_TEST_REQUIRE_POSTGRES && postgresUnavailableReason() }, () => {
  let store: Store;
  let url: string | undefined;
  // A PostgreSQL store keeps nothing in its data directory.
  const dataDir = '/nonexistent/hush-data';
  before(async () => {
    url = await freshPostgresDatabase();
    store = openStore({ databaseUrl: url, dataDir });
  });
  after(async () => {
    await store?.close();
    if (url) await dropPostgresDatabase(url);
  });

  it('a connection killed in the middle of a transaction is "database unavailable"; the process lives; the pool recovers', async () => {
    const err = await store.db
      .transaction()
      .execute((trx) => sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof HushError, `got ${String(err)}`);
    assert.equal(err.reason, StoreFaultReason.databaseUnavailable);
    assert.equal(causeCode(err), '57P01');
    // The dead client emits 'error' after the query failed; unheard, that event would end this test process.
    await new Promise((r) => setTimeout(r, 200));
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    assert.deepEqual(rows, [{ one: 1 }]);
  });

  it('disk_full (53100) is "storage full"; readiness then probes with a write, and a write that succeeds clears it', async () => {
    // The server raises the very error a full disk makes it send.
    const err = await store.db
      .transaction()
      .execute((trx) =>
        sql`do $$ begin raise exception 'could not extend file' using errcode = 'disk_full'; end $$`.execute(trx),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof HushError, `got ${String(err)}`);
    assert.equal(err.reason, StoreFaultReason.storageFull);
    assert.equal(causeCode(err), '53100');
    assert.ok(store.health.storageFullSince, 'the store remembers it is full');
    assert.deepEqual(await checkReadiness(store), { ready: true }, 'the probe write found room');
    assert.equal(store.health.storageFullSince, undefined);
  });

  it('a server that refuses connections is "database unavailable", with ECONNREFUSED in the cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as net.AddressInfo;
        s.close(() => resolve(p));
      });
    });
    const closed = openStore({ databaseUrl: `postgres://hush@127.0.0.1:${port}/nothing`, dataDir });
    try {
      const err = await sql`select 1`.execute(closed.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof HushError, `got ${String(err)}`);
      assert.equal(err.reason, StoreFaultReason.databaseUnavailable);
      assert.equal(causeCode(err), 'ECONNREFUSED');
      assert.equal((await checkReadiness(closed)).ready, false);
    } finally {
      await closed.close();
    }
  });
});
