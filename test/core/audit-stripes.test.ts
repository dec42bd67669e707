import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { after, before, it } from 'node:test';
import { checkAnchor } from '../../src/core/audit/anchor.js';
import { stripeFor, systemActor, type AuditEvent } from '../../src/core/audit/log.js';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import { loadConfig } from '../../src/core/config.js';
import { createCore, type Core } from '../../src/core/index.js';
import { forEachDialect } from '../helpers/dialects.js';
import { tempDir } from '../helpers/server.js';

const STRIPES = 16;
const actor = { ...systemActor, username: 'tester' };
const about = (id: string): AuditEvent => ({
  engine: 'test',
  action: 'thing.update',
  objectType: 'test.thing',
  objectId: id,
});

/** Object ids that land in `count` different stripes, one each. */
function idsInDifferentStripes(count: number): string[] {
  const byStripe = new Map<number, string>();
  for (let i = 0; byStripe.size < count; i++) {
    if (i === 10_000) throw new Error(`object ids fall into ${byStripe.size} stripes only`);
    const id = `thing-${i}`;
    const stripe = stripeFor(about(id), STRIPES);
    if (!byStripe.has(stripe)) byStripe.set(stripe, id);
  }
  return [...byStripe.values()];
}

/**
 * The striped audit chain (migration 0009, src/core/audit/README.md): each object's entries go to one of sixteen
 * chains with its own head; verify walks all of them.
 */
forEachDialect('audit stripes', (dialect) => {
  let dataDir: string;
  let core: Core;

  before(async () => {
    dataDir = tempDir();
    core = await createCore(loadConfig({ dataDir, databaseUrl: dialect.databaseUrl }, {}));
  });
  after(async () => {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = () => core.db.selectFrom('core_audit_log').selectAll().orderBy('seq').execute();

  it('spreads changes over the stripes, keeps each object in one, and every stripe chains to its own head', async () => {
    const ids = Array.from({ length: 48 }, (_, i) => `spread-${i}`);
    for (const round of [1, 2])
      await Promise.all(
        ids.map((id) =>
          core.db
            .transaction()
            .execute((trx) => core.audit.appendWithin(trx, actor, [{ ...about(id), details: { round } }])),
        ),
      );
    const all = await rows();
    const stripesOf = new Map<string, Set<number>>();
    for (const r of all) stripesOf.set(r.object_id!, (stripesOf.get(r.object_id!) ?? new Set()).add(r.stripe));
    assert.ok(
      [...stripesOf.values()].every((s) => s.size === 1),
      'an object stays in one stripe',
    );
    assert.ok(new Set(all.map((r) => r.stripe)).size >= 8, 'the objects spread over many stripes');
    const heads = await core.db.selectFrom('core_audit_head').selectAll().orderBy('id').execute();
    assert.equal(heads.length, STRIPES);
    for (const head of heads) {
      const mine = all.filter((r) => r.stripe === head.id);
      assert.equal(head.seq, mine.at(-1)?.seq ?? 0, `stripe ${head.id}'s head names its newest entry`);
    }
    assert.deepEqual(new Set(all.map((r) => r.seq)).size, all.length, 'seq is unique across stripes');
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('detects a deleted entry in any stripe: its first, one in the middle, its last', async () => {
    const all = await rows();
    const stripes = [...new Set(all.map((r) => r.stripe))];
    let checked = 0;
    for (const stripe of stripes) {
      const mine = all.filter((r) => r.stripe === stripe);
      if (mine.length < 3) continue;
      for (const doomed of [mine[0]!, mine[Math.floor(mine.length / 2)]!, mine.at(-1)!]) {
        await core.db.deleteFrom('core_audit_log').where('seq', '=', doomed.seq).execute();
        const report = await verifyAuditChain(core.db);
        assert.equal(report.ok, false, `deleting entry ${doomed.seq} of stripe ${stripe} goes unnoticed`);
        assert.match(report.problems.map((p) => p.problem).join('\n'), new RegExp(`^stripe ${stripe}: `, 'm'));
        await core.db.insertInto('core_audit_log').values(doomed).execute();
        checked += 1;
      }
    }
    assert.ok(checked >= 6, `deletions checked in at least two stripes (${checked})`);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('detects an entry moved to another stripe', async () => {
    const entry = (await rows()).find((r) => r.stripe !== 1)!;
    for (const to of [1, entry.stripe === STRIPES ? 2 : entry.stripe + 1]) {
      await sql`update core_audit_log set stripe = ${to} where seq = ${entry.seq}`.execute(core.db);
      assert.equal((await verifyAuditChain(core.db)).ok, false, `moved to stripe ${to}`);
      await sql`update core_audit_log set stripe = ${entry.stripe} where seq = ${entry.seq}`.execute(core.db);
    }
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it('detects a row written past its stripe head, above the newest entry or (PostgreSQL) in a gap of the sequence', async () => {
    const all = await rows();
    const top = all.at(-1)!;
    const stripe = top.stripe === STRIPES ? 2 : top.stripe + 1;
    const forged = { ...top, seq: top.seq + 5, stripe, details: '{"note":"alice read prod-db"}', hash: 'junk' };
    await core.db.insertInto('core_audit_log').values(forged).execute();
    const past = await verifyAuditChain(core.db);
    assert.equal(past.ok, false);
    assert.match(
      past.problems.map((p) => p.problem).join('\n'),
      new RegExp(`^stripe ${stripe}: is past its stripe's head`, 'm'),
    );
    await core.db.deleteFrom('core_audit_log').where('seq', '=', forged.seq).execute();
    if (dialect.name === 'postgres') {
      // A number the sequence handed out and nobody used (a rolled-back append), below a newer entry of another stripe.
      const gap = Number((await sql<{ n: string }>`select nextval('core_audit_seq') as n`.execute(core.db)).rows[0]!.n);
      await core.db
        .transaction()
        .execute((trx) => core.audit.appendWithin(trx, actor, [about(idsInDifferentStripes(1)[0]!)]));
      const low = (await core.db.selectFrom('core_audit_head').selectAll().orderBy('seq').executeTakeFirstOrThrow()).id;
      await core.db
        .insertInto('core_audit_log')
        .values({ ...forged, seq: gap, stripe: low })
        .execute();
      const inGap = await verifyAuditChain(core.db);
      assert.equal(inGap.ok, false);
      assert.match(inGap.problems.map((p) => p.problem).join('\n'), /is past its stripe's head/);
      await core.db.deleteFrom('core_audit_log').where('seq', '=', gap).execute();
    }
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it("a stripe's newest entries deleted and its head moved back pass the walk, but not a saved anchor", async () => {
    const anchor = (await verifyAuditChain(core.db)).heads;
    const all = await rows();
    const stripe = anchor.find((h) => all.filter((r) => r.stripe === h.stripe).length >= 2)!.stripe;
    const [previous, newest] = all.filter((r) => r.stripe === stripe).slice(-2);
    await core.db.deleteFrom('core_audit_log').where('seq', '=', newest!.seq).execute();
    await sql`update core_audit_head set seq = ${previous!.seq}, hash = ${previous!.hash} where id = ${stripe}`.execute(
      core.db,
    );
    const report = await verifyAuditChain(core.db);
    // Consistent by itself: no key makes a rewritten stripe end differently from an intact one.
    assert.equal(report.ok, true);
    const problems = await checkAnchor(core.db, report, anchor);
    assert.match(problems.map((p) => p.problem).join('\n'), new RegExp(`^stripe ${stripe}: its head moved back`, 'm'));
    // Put back, the saved heads hold again; heads that moved on since are fine.
    await core.db.insertInto('core_audit_log').values(newest!).execute();
    await sql`update core_audit_head set seq = ${newest!.seq}, hash = ${newest!.hash} where id = ${stripe}`.execute(
      core.db,
    );
    await core.db.transaction().execute((trx) => core.audit.appendWithin(trx, actor, [about(`anchor-${stripe}`)]));
    const later = await verifyAuditChain(core.db);
    assert.deepEqual(await checkAnchor(core.db, later, anchor), []);
    // The entry a saved head names, rewritten in place with a recomputed hash: the anchor still has the old one.
    await sql`update core_audit_log set hash = ${'0'.repeat(64)} where seq = ${newest!.seq}`.execute(core.db);
    const rewritten = await checkAnchor(core.db, later, anchor);
    assert.match(rewritten.map((p) => p.problem).join('\n'), /is changed: the stripe was rewritten/);
    await sql`update core_audit_log set hash = ${newest!.hash} where seq = ${newest!.seq}`.execute(core.db);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  it("hashes a first-stripe entry exactly as before stripes, so an earlier release's chain still verifies", async () => {
    await core.audit.append(actor, [{ engine: 'test', action: 'login' }]);
    const entry = (await rows()).filter((r) => r.stripe === 1).at(-1)!;
    const { hash, stripe: _stripe, ...fields } = entry;
    const before = [
      fields.seq,
      fields.at,
      fields.actor_user_id,
      fields.actor_username,
      fields.token_id,
      fields.engine,
      fields.action,
      fields.object_type,
      fields.object_id,
      fields.client_ip,
      fields.request_id,
      fields.details,
      fields.prev_hash,
    ];
    assert.equal(createHash('sha256').update(JSON.stringify(before)).digest('hex'), hash);
  });

  it('keeps every append of one transaction in the stripe it started with', async () => {
    const [a, b] = idsInDifferentStripes(2);
    await core.db.transaction().execute(async (trx) => {
      await core.audit.appendWithin(trx, actor, [about(a!)]);
      await core.audit.appendWithin(trx, actor, [about(b!)]);
    });
    const last = (await rows()).slice(-2);
    assert.deepEqual(
      last.map((r) => r.object_id),
      [a, b],
    );
    assert.equal(last[0]!.stripe, last[1]!.stripe);
    assert.equal((await verifyAuditChain(core.db)).ok, true);
  });

  if (dialect.name === 'postgres')
    it(
      'lets changes on objects in different stripes commit while another holds its stripe; the same stripe waits',
      { timeout: 30_000 },
      async () => {
        const [held, other] = idsInDifferentStripes(2);
        let release!: () => void;
        const holding = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const first = core.db.transaction().execute(async (trx) => {
          await core.audit.appendWithin(trx, actor, [about(held!)]);
          locked();
          await holding;
        });
        await isLocked;
        const appendAlone = (id: string) =>
          core.db.transaction().execute((trx) => core.audit.appendWithin(trx, actor, [about(id)]));
        // A different stripe commits while the first transaction holds its own; with one lock for all it would wait
        // for the first forever, so the wait is cut short (and the first released) to fail instead of hanging.
        const otherDone = appendAlone(other!);
        const sameDone = appendAlone(held!);
        let sameFinished = false;
        void sameDone.then(() => (sameFinished = true));
        let read: Promise<void> | undefined;
        try {
          const waited = await Promise.race([otherDone.then(() => false), sleep(10_000).then(() => true)]);
          assert.equal(waited, false, 'an append to another stripe waited for the held one');
          assert.equal(sameFinished, false, 'an append to the held stripe waits for its commit');
          // A batch of reads about the held object takes a free stripe instead of waiting.
          read = core.audit.append(actor, [{ ...about(held!), action: 'thing.read' }]);
          const readWaited = await Promise.race([read.then(() => false), sleep(10_000).then(() => true)]);
          assert.equal(readWaited, false, 'a read about an object whose stripe is held waited for it');
        } finally {
          release();
          await Promise.all([first, otherDone, sameDone, read]);
        }
        const last = (await rows()).filter((r) => r.action === 'thing.update').slice(-3);
        assert.deepEqual(
          last.map((r) => r.object_id),
          [held, other, held],
          'each took its number once it held its stripe',
        );
        assert.equal((await verifyAuditChain(core.db)).ok, true);
      },
    );
});
