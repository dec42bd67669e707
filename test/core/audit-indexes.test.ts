import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { after, before, it } from 'node:test';
import { archiveAuditLog } from '../../src/core/audit/archive.js';
import { readOfMany, systemActor } from '../../src/core/audit/log.js';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import { verifyAuditArchives } from '../../src/core/audit/verify-archive.js';
import { auditQuery, queryBounds, type AuditFilter } from '../../src/core/audit/query.js';
import type { AuditTables } from '../../src/core/audit/tables.js';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { suiteCore } from '../helpers/core.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

/** Every filter `GET /api/core/audit-log/` offers, each alone: the one a plan must not answer by scanning the log. */
const FILTERS: Record<string, AuditFilter> = {
  'object id': { objectId: 'obj-7' },
  'object type and id': { objectType: 'test.thing7', objectId: 'obj-7' },
  'object type': { objectType: 'test.thing7' },
  'actor by user id': { actor: '42' },
  'actor by username': { actor: 'user42' },
  action: { action: 'thing7.read' },
  engine: { engine: 'engine7' },
  'time range': { since: '2999-01-01T00:00:00.000Z', until: '2999-01-02T00:00:00.000Z' },
  since: { since: '2999-01-01T00:00:00.000Z' },
  until: { until: '2001-01-01T00:00:00.000Z' },
  'action and time range': { action: 'thing7.read', since: '2999-01-01T00:00:00.000Z' },
};

/** The plan of the page query and of the count query, as one text. */
async function plans(db: Kysely<AuditTables>, dialect: 'sqlite' | 'postgres', filter: AuditFilter): Promise<string> {
  // The queries the audit log runs: with the seq bounds and object sets its filters resolve to first.
  const bounds = await queryBounds(db, filter);
  const page = auditQuery(db, filter, bounds).selectAll().orderBy('seq', 'desc').limit(50).offset(0).compile();
  const count = auditQuery(db, filter, bounds)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .compile();
  const lines: string[] = [];
  for (const q of [page, count]) {
    if (dialect === 'sqlite') {
      const r = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]),
      );
      lines.push(...r.rows.map((row) => row.detail));
    } else {
      const r = await db.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]),
      );
      lines.push(...r.rows.map((row) => row['QUERY PLAN']));
    }
  }
  return lines.join('\n');
}

/**
 * The steps of a plan that read the whole log: SQLite's `SCAN core_audit_log` (of the table or of any of its
 * indexes); PostgreSQL's sequential scan of it, or an index scan of it with no `Index Cond` (a full walk of the
 * index, as a merge join does).
 */
function unboundedScans(dialect: 'sqlite' | 'postgres', plan: string): string[] {
  const lines = plan.split('\n');
  if (dialect === 'sqlite') return lines.filter((l) => /^SCAN core_audit_log\b/.test(l));
  const indent = (l: string) => l.length - l.trimStart().length;
  return lines.filter((line, i) => {
    if (/Seq Scan on core_audit_log\b/.test(line)) return true;
    if (!/Index (Only )?Scan( Backward)? using \w+ on core_audit_log\b/.test(line)) return false;
    const own = lines.slice(i + 1).findIndex((l) => indent(l) <= indent(line) || /->/.test(l));
    const details = lines.slice(i + 1, own < 0 ? undefined : i + 1 + own);
    return !details.some((l) => /Index Cond/.test(l));
  });
}

forEachDialect('audit log filters use an index', (dialect) => {
  let dataDir: string;
  let core: Core;

  before(async () => {
    dataDir = tempDir();
    core = await createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, {}));
    // Enough entries, spread over enough actors, engines, actions and types, that each filter is selective and
    // PostgreSQL's planner (given statistics) prefers an index wherever one can answer.
    for (let round = 0; round < 3; round++) {
      for (let a = 0; a < 50; a++) {
        const actor = { ...systemActor, userId: a, username: `user${a}` };
        await core.audit.append(
          actor,
          Array.from({ length: 20 }, (_, i) => {
            const n = round * 1000 + a * 20 + i;
            return {
              engine: `engine${n % 40}`,
              action: `thing${n % 60}.read`,
              objectType: `test.thing${n % 300}`,
              objectId: `obj-${n}`,
              details: { objects: [`obj-${n}`, `obj-${n + 1}`] },
            };
          }),
        );
      }
    }
    // Reads of many naming obj-7 among 20 ids: one object set, named by 20 entries, so that an object id search
    // also reads the set tables (migration 0010). A small share of the log, as any one object's entries are.
    const listed = Array.from({ length: 20 }, (_, i) => `obj-${7 + i * 50}`);
    await core.audit.append(
      systemActor,
      Array.from({ length: 20 }, () => readOfMany({ engine: 'listings', action: 'thing.list' }, listed)[0]!),
    );
    if (dialect.name === 'postgres') await core.db.executeQuery(CompiledQuery.raw('analyze'));
  });
  after(async () => {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [name, filter] of Object.entries(FILTERS)) {
    it(`${name}: no scan of core_audit_log`, async () => {
      const plan = await plans(core.db as Kysely<AuditTables>, dialect.name, filter);
      if (process.env.SHOW_PLANS) console.log(`${dialect.name} ${name}:\n${plan}`);
      assert.deepEqual(unboundedScans(dialect.name, plan), [], `${name}:\n${plan}`);
      assert.match(plan, dialect.name === 'sqlite' ? /^SEARCH core_audit_log /m : /Index Cond/, `${name}:\n${plan}`);
    });
  }

  it('finds an object both through its own rows and through the object set 20 reads name', async () => {
    const found = await core.audit.list({ objectId: 'obj-7' }, { limit: 50, offset: 0 });
    // Its own entry, the entry before it (which names it second), and the 20 reads of the set.
    assert.equal(found.count, 22);
    assert.equal(found.rows.filter((r) => r.action === 'thing.list').length, 20);
  });

  it('finds an entry under each object a read of many names, through the side table', async () => {
    const found = await core.audit.list({ objectId: 'obj-1008' }, { limit: 10, offset: 0 });
    // obj-1008 is the own object of one entry and the second object of the one before it.
    assert.equal(found.count, 2);
    assert.deepEqual(
      found.rows.map((r) => r.object_id),
      ['obj-1008', 'obj-1007'],
    );
  });
});

forEachDialect('audit log time filters', (dialect) => {
  const suite = suiteCore(dialect);
  const base = Date.parse('2030-01-01T00:00:00.000Z');
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  // Entry i was written at second i, but for two whose clocks were off: one ahead by 15 s, one behind by 15 s.
  const times = Array.from({ length: 30 }, (_, i) => (i === 10 ? 25 : i === 20 ? 5 : i));

  before(async () => {
    for (let i = 0; i < times.length; i++)
      await suite.core.db
        .transaction()
        .execute((trx) => suite.core.audit.appendWithin(trx, systemActor, [{ engine: 'test', action: `t${i}` }]));
    // Rewritten times break the entries' hashes, which a query does not look at.
    for (let i = 0; i < times.length; i++)
      await suite.core.db
        .updateTable('core_audit_log')
        .set({ at: at(times[i]!) })
        .where('action', '=', `t${i}`)
        .execute();
  });

  for (const [name, since, until] of [
    ['since', 22, undefined],
    ['until', undefined, 8],
    ['both', 4, 12],
    ['nothing inside', 40, undefined],
  ] as const) {
    it(`${name}: exactly the entries whose time is inside, out of order or not`, async () => {
      const filter: AuditFilter = {
        ...(since === undefined ? {} : { since: at(since) }),
        ...(until === undefined ? {} : { until: at(until) }),
      };
      const found = await suite.core.audit.list(filter, { limit: 100, offset: 0 });
      const expected = times
        .map((t, i) => ({ t, i }))
        .filter(({ t }) => (since === undefined || t >= since) && (until === undefined || t < until))
        .map(({ i }) => `t${i}`)
        .sort();
      assert.deepEqual(found.rows.map((r) => r.action).sort(), expected);
      assert.equal(found.count, expected.length);
    });
  }
});

forEachDialect('audit object sets', (dialect) => {
  const suite = suiteCore(dialect);
  const ids = (prefix: string) => Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`);
  const listing = (objects: string[]) => readOfMany({ engine: 'test', action: 'thing.list' }, objects);
  const members = async () =>
    (await suite.core.db.selectFrom('core_audit_set_member').select('set_id').execute()).length;

  it('stores the ids of a listing read again and again once, and finds every read under each id', async () => {
    const a = ids('a');
    await suite.core.audit.append(systemActor, listing(a));
    await suite.core.audit.append(systemActor, listing([...a].reverse()));
    assert.equal(await members(), 100, 'one set, whatever the order of its ids');
    assert.equal((await suite.core.db.selectFrom('core_audit_entry_set').select('seq').execute()).length, 2);
    assert.equal((await suite.core.db.selectFrom('core_audit_object').select('seq').execute()).length, 0);
    const found = await suite.core.audit.list({ objectId: 'a-37' }, { limit: 10, offset: 0 });
    assert.equal(found.count, 2);
    assert.deepEqual(
      found.rows.map((r) => r.action),
      ['thing.list', 'thing.list'],
    );
    assert.equal((await suite.core.audit.list({ objectId: 'a-100' }, { limit: 10, offset: 0 })).count, 0);
  });

  it('writes a set again after the transaction that first wrote it rolled back', async () => {
    const b = ids('b');
    await assert.rejects(
      suite.core.db.transaction().execute(async (trx) => {
        await suite.core.audit.appendWithin(trx, systemActor, listing(b));
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal(await members(), 100, 'the rolled-back set left nothing');
    await suite.core.db.transaction().execute((trx) => suite.core.audit.appendWithin(trx, systemActor, listing(b)));
    assert.equal(await members(), 200);
    assert.equal((await suite.core.audit.list({ objectId: 'b-5' }, { limit: 10, offset: 0 })).count, 1);
    assert.equal((await verifyAuditChain(suite.core.db)).ok, true);
  });

  it(
    'PostgreSQL: a transaction whose failed statement was caught commits nothing, and its set is not taken as written',
    { skip: dialect.name !== 'postgres' && 'SQLite keeps a transaction going after a failed statement' },
    async () => {
      const d = ids('d');
      await suite.core.db.transaction().execute(async (trx) => {
        await suite.core.audit.appendWithin(trx, { ...systemActor, changeKey: 'caught-failure' }, listing(d));
        await sql`select 1 / 0`.execute(trx).catch(() => undefined);
      });
      assert.equal(suite.core.audit.changeSaved('caught-failure'), false);
      assert.equal((await suite.core.audit.list({ objectId: 'd-9' }, { limit: 10, offset: 0 })).count, 0);
      await suite.core.audit.append(systemActor, listing(d));
      assert.equal((await suite.core.audit.list({ objectId: 'd-9' }, { limit: 10, offset: 0 })).count, 1);
    },
  );

  it('an entry about a few objects keeps a row per object', async () => {
    await suite.core.audit.append(systemActor, listing(['c-1', 'c-2', 'c-3']));
    assert.equal((await suite.core.db.selectFrom('core_audit_object').select('seq').execute()).length, 3);
    assert.equal((await suite.core.audit.list({ objectId: 'c-2' }, { limit: 10, offset: 0 })).count, 1);
  });

  const membersOf = async (prefix: string) =>
    (
      await suite.core.db
        .selectFrom('core_audit_set_member')
        .select('set_id')
        .where('object_id', '=', `${prefix}-0`)
        .execute()
    ).length;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('an archive removes the members of the sets no remaining entry names, when its cut is old enough', async () => {
    await suite.core.audit.append(systemActor, listing(ids('x')));
    await suite.core.audit.append(systemActor, listing(ids('y')));
    await pause();
    const cut = new Date().toISOString();
    await pause();
    await suite.core.audit.append(systemActor, listing(ids('y')));
    const result = await archiveAuditLog(suite.core, {
      before: cut,
      file: path.join(suite.dir, 'sets.jsonl'),
      actor: systemActor,
      now: new Date(Date.parse(cut) + 60 * 60 * 1000),
    });
    assert.ok(result.entries > 0);
    assert.equal(await membersOf('x'), 0, 'x is named by archived entries only');
    assert.equal(await membersOf('y'), 1, 'y is still named by the entry after the cut');
    assert.equal((await suite.core.audit.list({ objectId: 'y-42' }, { limit: 10, offset: 0 })).count, 1);
    assert.equal((await suite.core.audit.list({ objectId: 'x-42' }, { limit: 10, offset: 0 })).count, 0);
    assert.equal((await verifyAuditChain(suite.core.db)).ok, true);
  });

  const storedDetails = async (action: string) =>
    JSON.parse(
      (
        await suite.core.db
          .selectFrom('core_audit_log')
          .select('details')
          .where('action', '=', action)
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow()
      ).details,
    ) as Record<string, unknown>;

  it('keeps the set id in the entry, not the ids; shows the ids; verify checks the members against the id', async () => {
    const e = ids('e');
    await suite.core.audit.append(
      systemActor,
      readOfMany({ engine: 'test', action: 'compact.list', details: { page: 1 } }, e),
    );
    const stored = await storedDetails('compact.list');
    assert.equal(stored.objects, undefined, 'no ids in the entry');
    assert.equal(stored.objects_count, 100);
    assert.equal(stored.page, 1, "the event's other details stay");
    assert.ok(JSON.stringify(stored).length < 150, JSON.stringify(stored));
    const shown = (await suite.core.audit.list({ objectId: 'e-3' }, { limit: 10, offset: 0 })).rows[0]!;
    assert.deepEqual(JSON.parse(shown.details).objects, [...e].sort());
    assert.equal((await verifyAuditChain(suite.core.db)).ok, true);

    const setId = stored.objects_set as string;
    const member = suite.core.db.deleteFrom('core_audit_set_member').where('set_id', '=', setId);
    await member.where('object_id', '=', 'e-5').execute();
    const removed = await verifyAuditChain(suite.core.db);
    assert.equal(removed.ok, false);
    assert.match(removed.problems[0]!.problem, new RegExp(`object set ${setId}, whose members were changed`));
    await suite.core.db.insertInto('core_audit_set_member').values({ object_id: 'e-5x', set_id: setId }).execute();
    assert.equal((await verifyAuditChain(suite.core.db)).ok, false, 'a member changed: still its count, not its id');
    await member.execute();
    assert.match((await verifyAuditChain(suite.core.db)).problems[0]!.problem, /whose members are missing/);
    await suite.core.db
      .insertInto('core_audit_set_member')
      .values(e.map((object_id) => ({ object_id, set_id: setId })))
      .execute();
    assert.equal((await verifyAuditChain(suite.core.db)).ok, true, 'the members put back');
  });

  it('an archive line carries the ids of its set, and verify --archive checks them against the id', async () => {
    const f = ids('f');
    await suite.core.audit.append(systemActor, readOfMany({ engine: 'test', action: 'archived.list' }, f));
    await pause();
    const file = path.join(suite.dir, 'with-sets.jsonl');
    const cut = new Date().toISOString();
    await archiveAuditLog(suite.core, {
      before: cut,
      file,
      actor: systemActor,
      now: new Date(Date.parse(cut) + 3600_000),
    });
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const line = lines.find((l) => l.action === 'archived.list');
    assert.deepEqual(line.objects, [...f].sort());
    assert.equal(JSON.parse(line.details).objects_count, 100);
    assert.equal((await verifyAuditArchives(suite.core.db, [file])).ok, true);
    const tampered = path.join(suite.dir, 'with-sets-tampered.jsonl');
    fs.writeFileSync(
      tampered,
      lines
        .map((l) => JSON.stringify(l === line ? { ...l, objects: [...l.objects.slice(1), 'f-999'] } : l))
        .join('\n') + '\n',
    );
    const report = await verifyAuditArchives(suite.core.db, [tampered]);
    assert.equal(report.ok, false);
    assert.match(report.archives[0]!.problems.map((p) => p.problem).join('\n'), /whose members were changed/);
  });

  it('an archive with a recent cut keeps every set: another process may still take it as written', async () => {
    await suite.core.audit.append(systemActor, listing(ids('z')));
    await pause();
    const cut = new Date().toISOString();
    await archiveAuditLog(suite.core, {
      before: cut,
      file: path.join(suite.dir, 'recent.jsonl'),
      actor: systemActor,
      now: new Date(Date.parse(cut) + 60 * 1000),
    });
    assert.equal((await suite.core.audit.list({ objectId: 'z-1' }, { limit: 10, offset: 0 })).count, 0, 'archived');
    assert.equal(await membersOf('z'), 1);
  });
});
