import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { archiveAuditLog } from '../../src/core/audit/archive.js';
import { entryHash } from '../../src/core/audit/chain.js';
import { stripeFor, systemActor } from '../../src/core/audit/log.js';
import { applyAuditRetention } from '../../src/core/audit/retention.js';
import { verifyAuditArchives } from '../../src/core/audit/verify-archive.js';
import { verifyAuditChain, walkAuditChain } from '../../src/core/audit/verify.js';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { suiteCore } from '../helpers/core.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

const actor = { ...systemActor, username: 'tester' };

/** Appends `n` entries about objects `<prefix>-0…`, then returns a time after all of them and before anything later. */
async function appendThenCut(core: Core, prefix: string, n: number): Promise<string> {
  for (let i = 0; i < n; i++)
    await core.audit.append(actor, [{ engine: 'test', action: 'thing.read', objectId: `${prefix}-${i}` }]);
  await sleep(5);
  const cut = new Date().toISOString();
  await sleep(5);
  return cut;
}

const lines = (file: string) => fs.readFileSync(file, 'utf8').trimEnd().split('\n');

forEachDialect('audit archive', (dialect) => {
  let dir: string;
  let core: Core;
  let first: string;
  let second: string;

  before(async () => {
    dir = tempDir();
    core = await createCore(loadConfig({ dataDir: dir, databaseUrl: dialect.databaseUrl }, {}));
    first = path.join(dir, 'first.jsonl');
    second = path.join(dir, 'second.jsonl');
  });
  after(async () => {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing when no entry is older than the date', async () => {
    const result = await archiveAuditLog(core, { before: '2001-01-01T00:00:00.000Z', file: first, actor });
    assert.deepEqual(result, { entries: 0 });
    assert.equal(fs.existsSync(first), false);
  });

  it('moves the older entries to the file, leaves a checkpoint, and the live chain still verifies', async () => {
    const cut = await appendThenCut(core, 'old', 10);
    await core.audit.append(actor, [{ engine: 'test', action: 'thing.read', objectId: 'new-0' }]);
    // The newest entry, in whichever stripe.
    const head = {
      seq: Number(
        (
          await core.db
            .selectFrom('core_audit_head')
            .select((eb) => eb.fn.max('seq').as('seq'))
            .executeTakeFirstOrThrow()
        ).seq,
      ),
    };
    const result = await archiveAuditLog(core, { before: cut, file: first, actor });
    const c = result.checkpoint!;
    // Everything up to the entry before `new-0`, which stays, as does the checkpoint after it.
    assert.deepEqual([c.archived_from_seq, c.archived_through_seq, c.seq], [1, head.seq - 1, head.seq + 1]);
    assert.equal(lines(first).length, result.entries);
    assert.equal(JSON.parse(lines(first).at(-1)!).hash, c.archived_head_hash);
    assert.equal((await core.audit.list({ objectId: 'old-3' }, { limit: 10, offset: 0 })).count, 0);
    assert.equal((await core.audit.list({ objectId: 'new-0' }, { limit: 10, offset: 0 })).count, 1);

    const { heads: _heads, ...verified } = await verifyAuditChain(core.db);
    assert.deepEqual(verified, {
      ok: true,
      entries: 2,
      problems: [],
      throughSeq: c.seq,
      archivedThrough: head.seq - 1,
    });
    // The oldest live entry, before the checkpoint that names where the archive ended, deleted:
    const oldest = await core.db.selectFrom('core_audit_log').selectAll().orderBy('seq').executeTakeFirstOrThrow();
    await core.db.deleteFrom('core_audit_log').where('seq', '=', oldest.seq).execute();
    // It was its stripe's only entry, so that stripe's head names an entry the log no longer has.
    assert.match((await verifyAuditChain(core.db)).problems[0]!.problem, /entries were removed/);
    await core.db.insertInto('core_audit_log').values(oldest).execute();

    const both = await verifyAuditArchives(core.db, [first]);
    assert.equal(both.ok, true, JSON.stringify(both));
    assert.deepEqual([both.archives[0]!.firstSeq, both.archives[0]!.lastSeq], [1, head.seq - 1]);
  });

  it('archives again after an archive; the archives verify in order against each other and the log', async () => {
    const cut = await appendThenCut(core, 'mid', 3);
    const result = await archiveAuditLog(core, { before: cut, file: second, actor });
    // The first checkpoint went into the second archive, which therefore vouches for the first file.
    assert.ok(lines(second).some((l) => JSON.parse(l).action === 'audit_log.archive'));
    assert.equal((await verifyAuditChain(core.db)).archivedThrough, result.checkpoint!.archived_through_seq);
    const report = await verifyAuditArchives(core.db, [first, second]);
    assert.equal(report.ok, true, JSON.stringify(report));
    // Out of order, the second no longer continues the first.
    assert.equal((await verifyAuditArchives(core.db, [second, first])).ok, false);
  });

  it('refuses to overwrite an existing file', async () => {
    await assert.rejects(
      archiveAuditLog(core, { before: new Date().toISOString(), file: first, actor }),
      /already exists/,
    );
  });

  it('detects an edited archive line, and an archive rewritten with recomputed hashes', async () => {
    const original = fs.readFileSync(first, 'utf8');
    try {
      const rows = lines(first).map((l) => JSON.parse(l));
      rows[2].action = 'nothing.happened';
      fs.writeFileSync(first, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const edited = await verifyAuditArchives(core.db, [first, second]);
      assert.equal(edited.ok, false);
      assert.match(edited.archives[0]!.problems[0]!.problem, /modified/);

      // Rehashed from the edit on, the file chains again by itself, but its head no longer is the one checkpointed.
      for (let i = 2; i < rows.length; i++) {
        if (i > 0) rows[i].prev_hash = rows[i - 1].hash;
        const { hash: _old, ...rest } = rows[i];
        rows[i].hash = entryHash(rest);
      }
      fs.writeFileSync(first, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const rehashed = await verifyAuditArchives(core.db, [first, second]);
      assert.equal(rehashed.ok, false);
      // The second file is flagged too where one of its stripes continues from a rehashed entry, which depends on
      // which stripes the reads went to (on PostgreSQL, any free one): the rewritten file itself always is.
      assert.equal(rehashed.archives[0]!.ok, false);
      assert.match(rehashed.archives[0]!.problems.map((p) => p.problem).join('\n'), /no checkpoint/);
    } finally {
      fs.writeFileSync(first, original);
    }
    assert.equal((await verifyAuditArchives(core.db, [first, second])).ok, true);
  });

  it('detects a deleted live entry: the checkpoint, the oldest one after it, or one in the middle', async () => {
    await appendThenCut(core, 'late', 3);
    const rows = await core.db.selectFrom('core_audit_log').selectAll().orderBy('seq').execute();
    // The live chain starts with the last archive's checkpoint.
    assert.equal(rows[0]!.action, 'audit_log.archive');
    for (const [doomed, problem] of [
      [[rows[0]!], /no archive checkpoint names them/],
      [[rows[0]!, rows[1]!], /no archive checkpoint names them/],
    ] as const) {
      for (const row of doomed) await core.db.deleteFrom('core_audit_log').where('seq', '=', row.seq).execute();
      const report = await verifyAuditChain(core.db);
      assert.equal(report.ok, false);
      assert.match(report.problems.map((p) => p.problem).join('\n'), problem);
      for (const row of doomed) await core.db.insertInto('core_audit_log').values(row).execute();
      assert.equal((await verifyAuditChain(core.db)).ok, true);
    }

    await core.db.deleteFrom('core_audit_log').where('seq', '=', rows[2]!.seq).execute();
    const middle = await verifyAuditChain(core.db);
    assert.equal(middle.ok, false);
    assert.match(middle.problems[0]!.problem, /does not link|entries were removed/);
    await core.db.insertInto('core_audit_log').values(rows[2]!).execute();
  });

  it('detects a checkpoint whose archived head was changed', async () => {
    const checkpoint = await core.db
      .selectFrom('core_audit_log')
      .selectAll()
      .where('action', '=', 'audit_log.archive')
      .executeTakeFirstOrThrow();
    const forged = JSON.stringify({ ...JSON.parse(checkpoint.details), archived_through_seq: 1 });
    await sql`update core_audit_log set details = ${forged} where seq = ${checkpoint.seq}`.execute(core.db);
    assert.equal((await verifyAuditChain(core.db)).ok, false);
    await sql`update core_audit_log set details = ${checkpoint.details} where seq = ${checkpoint.seq}`.execute(core.db);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('retention archives what is older than its days into its directory, and the chain verifies', async () => {
    const archiveDir = path.join(dir, 'archives');
    const now = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000);
    const result = await applyAuditRetention(core, { days: 2, dir: archiveDir, now });
    assert.ok(result.entries > 0);
    assert.deepEqual(fs.readdirSync(archiveDir), [path.basename(result.file!)]);
    assert.equal((fs.statSync(archiveDir).mode & 0o777).toString(8), '700');
    const report = await verifyAuditArchives(core.db, [first, second, result.file!]);
    assert.equal(report.ok, true, JSON.stringify(report));
  });

  it('an archive committing between the batches of a verify is no tamper alarm: it walks again from the new start', async () => {
    const cut = await appendThenCut(core, 'racing', 6);
    for (let i = 0; i < 6; i++)
      await core.audit.append(actor, [{ engine: 'test', action: 'thing.read', objectId: `after-${i}` }]);
    let archived: Awaited<ReturnType<typeof archiveAuditLog>> | undefined;
    const { report } = await walkAuditChain(core.db, {
      batch: 3,
      betweenBatches: async () => {
        archived ??= await archiveAuditLog(core, { before: cut, file: path.join(dir, 'racing.jsonl'), actor });
      },
    });
    assert.ok(archived?.checkpoint, 'an archive ran during the walk');
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.archivedThrough, archived.checkpoint.archived_through_seq);
    assert.equal(report.throughSeq, archived.checkpoint.seq);
  });
});

forEachDialect('audit archive in chunks', (dialect) => {
  let dir: string;
  let core: Core;
  before(async () => {
    dir = tempDir();
    core = await createCore(loadConfig({ dataDir: dir, databaseUrl: dialect.databaseUrl }, {}));
  });
  after(async () => {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const live = async () => (await core.db.selectFrom('core_audit_log').select('seq').execute()).length;
  const checkpoints = async () =>
    (await core.db.selectFrom('core_audit_log').select('seq').where('action', '=', 'audit_log.archive').execute())
      .length;

  it('a failure in the first chunk leaves no file and the log as it was', async () => {
    const cut = await appendThenCut(core, 'a', 10);
    const before = await live();
    const file = path.join(dir, 'none.jsonl');
    await assert.rejects(
      archiveAuditLog(core, {
        before: cut,
        file,
        actor,
        chunk: 3,
        afterChunkWritten: () => {
          throw new Error('disk on fire');
        },
      }),
      /disk on fire/,
    );
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('none')),
      [],
    );
    assert.equal(await live(), before);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('a failure in a later chunk keeps the committed chunks in the file, cut at the last checkpoint', async () => {
    const cut = new Date().toISOString();
    await sleep(5);
    const file = path.join(dir, 'part.jsonl');
    await assert.rejects(
      archiveAuditLog(core, {
        before: cut,
        file,
        actor,
        chunk: 3,
        afterChunkWritten: (n) => {
          if (n === 2) throw new Error('disk on fire');
        },
      }),
      /disk on fire/,
    );
    assert.equal(lines(file).length, 3, 'chunk 1 only');
    assert.equal(await checkpoints(), 1);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
    const report = await verifyAuditArchives(core.db, [file]);
    assert.equal(report.ok, true, JSON.stringify(report));
  });

  it('moves a prefix in chunks, one checkpoint each, and the file and the chain verify', async () => {
    const cut = await appendThenCut(core, 'b', 4);
    const file = path.join(dir, 'rest.jsonl');
    const result = await archiveAuditLog(core, { before: cut, file, actor, chunk: 3 });
    // 7 left from 'a', the first run's checkpoint, 4 of 'b': 12 entries in 4 chunks.
    assert.equal(result.entries, 12);
    assert.equal(lines(file).length, 12);
    assert.equal(result.checkpoint!.entries, 12);
    assert.equal(result.checkpoint!.archived_from_seq, JSON.parse(lines(file)[0]!).seq);
    assert.equal(result.checkpoint!.archived_through_seq, JSON.parse(lines(file).at(-1)!).seq);
    assert.equal(await checkpoints(), 4, 'the chunks checkpoints are newer than the cut, so they stay');
    const report = await verifyAuditArchives(core.db, [path.join(dir, 'part.jsonl'), file]);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.live.archivedThrough, result.checkpoint!.archived_through_seq);
  });
});

forEachDialect('audit archive verify: interrupted archives and the first file', (dialect) => {
  const suite = suiteCore(dialect);
  const change = (id: string) =>
    suite.core.db
      .transaction()
      .execute((trx) =>
        suite.core.audit.appendWithin(trx, actor, [
          { engine: 'test', action: 'thing.update', objectType: 't', objectId: id },
        ]),
      );
  /** The next `n` live entries as an archive writes them: what a crash after a chunk's write leaves in its file. */
  const nextLines = async (n: number) =>
    (await suite.core.db.selectFrom('core_audit_log').selectAll().orderBy('seq').limit(n).execute())
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');
  const text = (report: { archives: { problems: { problem: string }[]; warnings: string[] }[] }) =>
    report.archives.flatMap((a) => [...a.problems.map((p) => p.problem), ...a.warnings]).join('\n');

  it('an archive stopped before its first commit left a file: every line is still in the log, a note and no alarm', async () => {
    for (let i = 0; i < 6; i++) await change(`early-${i}`);
    const file = path.join(suite.dir, 'stopped-first.jsonl');
    fs.writeFileSync(file, await nextLines(3));
    const report = await verifyAuditArchives(suite.core.db, [file]);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.match(report.archives[0]!.warnings.join('\n'), /holds no archived entries/);
    fs.rmSync(file);
  });

  it('an archive stopped after a later chunk: the lines past its checkpoint are a note while the log or the next file has them', async () => {
    const cut = new Date().toISOString();
    await sleep(5);
    const file = path.join(suite.dir, 'stopped.jsonl');
    await assert.rejects(
      archiveAuditLog(suite.core, {
        before: cut,
        file,
        actor,
        chunk: 2,
        afterChunkWritten: (n) => {
          if (n === 2) throw new Error('stop');
        },
      }),
      /stop/,
    );
    // What the process would have left had it died instead of failing: chunk 2's lines, synced, not committed.
    fs.appendFileSync(file, await nextLines(2));
    const stopped = await verifyAuditArchives(suite.core.db, [file]);
    assert.equal(stopped.ok, true, JSON.stringify(stopped));
    assert.match(
      stopped.archives[0]!.warnings.join('\n'),
      /the 2 lines after entry \d+ were written by an archive that stopped/,
    );

    // The next archive takes those entries again, into its own file: the pair verifies, and the first file alone now
    // holds lines that are nowhere else but in that file, which verify checks when given both.
    const next = path.join(suite.dir, 'next.jsonl');
    await archiveAuditLog(suite.core, { before: cut, file: next, actor });
    const pair = await verifyAuditArchives(suite.core.db, [file, next]);
    assert.equal(pair.ok, true, JSON.stringify(pair));
    assert.match(text(pair), /still in the live log or the next file/);
    const alone = await verifyAuditArchives(suite.core.db, [file]);
    assert.equal(alone.ok, false);
    assert.match(text(alone), /neither in the live log nor in the next file/);
  });

  it('detects lines removed from the start of the first file given, and the first entry of any one stripe in it', async () => {
    const rows = await suite.core.db.selectFrom('core_audit_log').select('stripe').execute();
    const used = new Set(rows.map((r) => r.stripe));
    // Two changes of one object, in a stripe no earlier entry of the file is in: its first entry is not the file's.
    let id = '';
    for (let i = 0; !id && i < 10_000; i++)
      if (!used.has(stripeFor({ engine: 'test', action: 'x', objectType: 't', objectId: `s-${i}` }, 16))) id = `s-${i}`;
    assert.ok(id, `the live entries use every stripe: ${[...used].join(', ')}`);
    await change('lead');
    await change(id);
    await change(id);
    await sleep(5);
    const cut = new Date().toISOString();
    await sleep(5);
    const file = path.join(suite.dir, 'starts.jsonl');
    await archiveAuditLog(suite.core, { before: cut, file, actor });
    const original = fs.readFileSync(file, 'utf8');
    const all = lines(file);
    assert.equal((await verifyAuditArchives(suite.core.db, [file])).ok, true);
    try {
      const firstOfStripe = all.findIndex((l) => JSON.parse(l).object_id === id);
      assert.ok(firstOfStripe > 0);
      fs.writeFileSync(
        file,
        all
          .filter((_, i) => i !== firstOfStripe)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const report = await verifyAuditArchives(suite.core.db, [file]);
      assert.equal(report.ok, false);
      assert.match(text(report), /the oldest entries were removed/);

      fs.writeFileSync(
        file,
        all
          .slice(2)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const cut2 = await verifyAuditArchives(suite.core.db, [file]);
      assert.equal(cut2.ok, false);
      assert.match(text(cut2), /lines were removed from or added to its start|the oldest entries were removed/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});

describe('audit retention configuration', () => {
  it('refuses a retention without an archive directory, naming the variable', () => {
    assert.throws(
      () => loadConfig({}, { HUSH_AUDIT_RETENTION_DAYS: '30' }),
      /HUSH_AUDIT_RETENTION_DAYS.*HUSH_AUDIT_ARCHIVE_DIR/s,
    );
    assert.throws(
      () => loadConfig({}, { HUSH_AUDIT_RETENTION_DAYS: 'soon', HUSH_AUDIT_ARCHIVE_DIR: '/x' }),
      /positive/,
    );
    const config = loadConfig({}, { HUSH_AUDIT_RETENTION_DAYS: '30', HUSH_AUDIT_ARCHIVE_DIR: '/var/backups/hush' });
    assert.deepEqual([config.auditRetentionDays, config.auditArchiveDir], [30, '/var/backups/hush']);
    assert.equal(loadConfig({}, {}).auditRetentionDays, undefined);
  });
});
