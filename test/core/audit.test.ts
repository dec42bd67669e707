import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import { after, before, it } from 'node:test';
import { systemActor } from '../../src/core/audit/log.js';
import { verifyAuditChain, walkAuditChain } from '../../src/core/audit/verify.js';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

forEachDialect('audit chain', (dialect) => {
  let dataDir: string;
  let core: Core;
  const actor = { ...systemActor, username: 'tester', clientIp: '127.0.0.1' };

  before(async () => {
    dataDir = tempDir();
    core = await createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, {}));
  });
  after(async () => {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const appendFive = async () => {
    for (let i = 0; i < 5; i++)
      await core.audit.append(actor, [{ engine: 'test', action: 'thing.read', objectType: 'test.thing', objectId: i }]);
  };

  const heads = () => core.db.selectFrom('core_audit_head').selectAll().orderBy('id').execute();

  it('chains entries and verifies an untouched log', async () => {
    await appendFive();
    // Concurrent appends from one process must still produce one unbroken chain.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        core.audit.append(actor, [{ engine: 'test', action: 'burst', objectId: i }]),
      ),
    );
    const { heads: checked, ...report } = await verifyAuditChain(core.db);
    assert.deepEqual(report, { ok: true, entries: 25, problems: [], throughSeq: 25 });
    // Every stripe's head, as the table has them: what an anchor saves.
    assert.deepEqual(
      checked,
      (await heads()).map((h) => ({ stripe: h.id, seq: h.seq, hash: h.hash })),
    );
  });

  it('verifies up to the heads it read first: appends committing between its batches are no tamper alarm', async () => {
    const before = await heads();
    const top = Math.max(...before.map((h) => h.seq));
    let n = 0;
    const { report } = await walkAuditChain(core.db, {
      batch: 4,
      betweenBatches: () => core.audit.append(actor, [{ engine: 'test', action: 'racing', objectId: n++ }]),
    });
    assert.ok(n > 1, 'appends raced the walk');
    const { heads: checked, ...rest } = report;
    assert.deepEqual(rest, { ok: true, entries: top, problems: [], throughSeq: top });
    // The heads the walk read first, not those the racing appends moved.
    assert.deepEqual(
      checked,
      before.map((h) => ({ stripe: h.id, seq: h.seq, hash: h.hash })),
    );
    await sql`delete from core_audit_log where action = 'racing'`.execute(core.db);
    for (const h of before)
      await sql`update core_audit_head set seq = ${h.seq}, hash = ${h.hash} where id = ${h.id}`.execute(core.db);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('filters by actor, engine, object and time', async () => {
    const byObject = await core.audit.list({ objectType: 'test.thing', objectId: '3' }, { limit: 10, offset: 0 });
    assert.equal(byObject.count, 1);
    assert.equal((await core.audit.list({ actor: 'tester', engine: 'test' }, { limit: 100, offset: 0 })).count, 25);
    assert.equal((await core.audit.list({ since: '2999-01-01T00:00:00.000Z' }, { limit: 10, offset: 0 })).count, 0);
  });

  it('detects an edited entry', async () => {
    await sql`update core_audit_log set action = 'nothing.happened' where seq = 2`.execute(core.db);
    const report = await verifyAuditChain(core.db);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => p.seq),
      [2],
    );
    assert.match(report.problems[0]!.problem, /modified/);
    await sql`update core_audit_log set action = 'thing.read' where seq = 2`.execute(core.db);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('detects a deleted entry in the middle and at the end', async () => {
    await sql`delete from core_audit_log where seq = 3`.execute(core.db);
    const middle = await verifyAuditChain(core.db);
    assert.equal(middle.ok, false);
    // Entry 3 is its stripe's only entry (objectId 2) or links to the next one of its stripe: either way it is seen.
    assert.match(middle.problems.map((p) => p.problem).join('\n'), /does not link|entries were removed/);

    const dataDir2 = tempDir();
    const fresh = await createCore(loadConfig({ dataDir: dataDir2 }, {}));
    try {
      for (let i = 0; i < 3; i++) await fresh.audit.append(actor, [{ engine: 'test', action: 'x' }]);
      await sql`delete from core_audit_log where seq = 3`.execute(fresh.db);
      const tail = await verifyAuditChain(fresh.db);
      assert.equal(tail.ok, false);
      assert.match(tail.problems[0]!.problem, /newest entries were removed/);
    } finally {
      await fresh.close();
      fs.rmSync(dataDir2, { recursive: true, force: true });
    }
  });

  it('rolls the audit entry back with the change it describes', async () => {
    const head = await heads();
    await assert.rejects(
      core.db.transaction().execute(async (trx) => {
        await core.audit.appendWithin(trx, actor, [{ engine: 'test', action: 'doomed' }]);
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await heads(), head);
  });
});
