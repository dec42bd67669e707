import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { tempDir } from '../helpers/server.js';

const autocheckpoint = async (core: Core) =>
  Number(Object.values((await sql<Record<string, number>>`pragma wal_autocheckpoint`.execute(core.db)).rows[0]!)[0]);

/** Writes about `pages` pages of 4 KiB into a table of the test's own, one transaction. */
async function write(db: Kysely<any>, pages: number) {
  await sql`create table if not exists filler (id integer primary key, blob blob)`.execute(db);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < pages; i++) await sql`insert into filler (blob) values (randomblob(4000))`.execute(trx);
  });
}

describe('SQLite WAL checkpoints on a thread of their own (src/core/store/wal-checkpointer.ts)', () => {
  let dir: string;
  let server: Core;
  before(async () => {
    dir = tempDir();
    server = await createCore(loadConfig({ dataDir: dir }, {}), [], { checkpointThread: true });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a server's commits leave checkpoints to the thread, which copies the WAL into the database file", async () => {
    assert.equal(await autocheckpoint(server), 20_000, 'a commit checkpoints only past the backstop');
    const file = path.join(dir, 'hush.db');
    const before = fs.statSync(file).size;
    // Far below the backstop, and no connection closes: only the thread can have copied these pages.
    await write(server.db, 600);
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < before + 600 * 4000 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(fs.statSync(file).size >= before + 600 * 4000, 'the pages reached hush.db');
  });

  it("an admin command (no server) keeps SQLite's own checkpoints, and a closed server leaves no thread behind", async () => {
    const adminDir = tempDir();
    try {
      const admin = await createCore(loadConfig({ dataDir: adminDir }, {}));
      assert.equal(await autocheckpoint(admin), 1000);
      await admin.close();
      const other = await createCore(loadConfig({ dataDir: adminDir }, {}), [], { checkpointThread: true });
      await other.close();
      // The thread's connection is closed too: the last connection's close checkpointed and removed the WAL.
      assert.equal(fs.existsSync(path.join(adminDir, 'hush.db-wal')), false);
    } finally {
      fs.rmSync(adminDir, { recursive: true, force: true });
    }
  });
});
