import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import { defaultStatus } from '../../src/core/errors.js';
import { defineAuditEvents, type EngineManifest } from '../../src/core/ports.js';
import { allEngines } from '../../src/engines/index.js';
import { auditActorOf, recordPlaintextReads } from '../../src/http/route-kit.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { listsAs, listWith, type ListsCall } from '../engines/lists/helpers.js';
import { createApp, phaseAs, type PhaseCall } from '../engines/phase/helpers.js';

/**
 * A full disk, made for real by SQLite itself: `max_page_count` at the current size makes every write that needs a
 * new page fail with SQLITE_FULL, exactly as a full file system does, and raising it is the space coming back.
 */
async function pragma(db: Kysely<any>, name: string): Promise<number> {
  const { rows } = await sql.raw<Record<string, number>>(`pragma ${name}`).execute(db);
  return Number(Object.values(rows[0]!)[0]);
}

/** Packs the file (no free pages left inside it) and forbids it to grow; returns the page size. */
async function fillDisk(db: Kysely<any>): Promise<number> {
  await sql`vacuum`.execute(db);
  await sql.raw(`pragma max_page_count = ${await pragma(db, 'page_count')}`).execute(db);
  return pragma(db, 'page_size');
}

async function freeDisk(db: Kysely<any>): Promise<void> {
  await sql.raw('pragma max_page_count = 1073741823').execute(db);
}

/**
 * An engine used only here: its change commits, then the disk fills up (as when another writer takes the last space)
 * before the answer's audit entry is written, the order in which a real full disk met a Phase write.
 */
function lateFullEngine(): EngineManifest {
  return {
    name: 'probe',
    prefixes: ['/probe/'],
    migrations: undefined,
    auditEvents: defineAuditEvents({ thingCreate: 'thing.create', thingRead: 'thing.read' }),
    create: (ctx) => ({
      renderError: (e) => ({ status: defaultStatus[e.kind], body: { probe_error: e.message } }),
      routes: async (app) => {
        const rules = { hush: { access: 'authenticated', returnsPlaintext: true, changesData: false } } as const;
        for (const method of ['POST', 'GET'] as const) {
          app.route({
            method,
            url: '/probe/thing',
            config: rules,
            handler: async (request) => {
              if (method === 'POST') {
                await ctx
                  .store()
                  .transaction()
                  .execute((trx) =>
                    ctx.audit.appendWithin(trx, auditActorOf(request), [
                      { action: 'thing.create', objectType: 'probe.thing', objectId: 1 },
                    ]),
                  );
              }
              const pageSize = await fillDisk(ctx.store() as Kysely<any>);
              // Larger than a page, so the entry needs pages the file may no longer take.
              recordPlaintextReads(request, [
                {
                  engine: 'probe',
                  action: 'thing.read',
                  objectType: 'probe.thing',
                  objectId: 1,
                  details: { note: 'n'.repeat(3 * pageSize) },
                },
              ]);
              return { plaintext: 'shown-only-if-audited' };
            },
          });
        }
      },
    }),
  };
}

describe('a full disk (SQLite at its page limit)', () => {
  let hush: RunningHush;
  let lists: ListsCall;
  let phase: PhaseCall;
  let Q: string;
  const db = () => hush.app.core.store.db;
  const big = 'v'.repeat(64 * 1024);

  before(async () => {
    hush = await startHush({ engines: [...allEngines(), lateFullEngine()] });
    lists = listsAs(hush, hush.token);
    phase = phaseAs(hush, hush.token);
    await listWith(lists, 'web', { SMALL: 'one' });
    Q = `?app_id=${(await createApp(phase)).id}&env=development`;
  });
  after(async () => {
    await freeDisk(db());
    await hush.close();
  });

  it('refuses writes with 503 "storage full" in each envelope, saves nothing, reports not ready, and recovers', async () => {
    const entries = (await verifyAuditChain(db())).entries;
    await fillDisk(db());
    try {
      const l = await lists('POST', '/api/secrets/lists/web/values', { secret_key: 'BIG', secret_value: big });
      assert.equal(l.status, 503, JSON.stringify(l.body));
      assert.equal(l.body.error.code, 'unavailable');
      assert.match(l.body.error.message, /^Storage full: .*nothing was saved/);

      const p = await phase('POST', `/v1/secrets/${Q}`, { secrets: [{ key: 'BIG', value: big }] });
      assert.equal(p.status, 503, JSON.stringify(p.body));
      assert.match(p.body.error, /^Storage full: .*nothing was saved/);

      // Reading what needs no audit entry still works.
      assert.equal((await hush.request('GET', '/api/users/users/')).status, 200);

      const ready = await fetch(`${hush.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'unavailable', database: 'sqlite', problem: 'storage full' });
    } finally {
      await freeDisk(db());
    }

    assert.equal((await fetch(`${hush.url}/readyz`)).status, 200, 'ready again once there is room');
    // Nothing half-written: no value, no secret, no audit entry of the refused writes, and an intact chain.
    assert.deepEqual(
      (await lists('GET', '/api/secrets/lists/web/values')).body.map((v: any) => v.secret_key),
      ['SMALL'],
    );
    assert.deepEqual((await phase('GET', `/v1/secrets/${Q}`)).body, []);
    const report = await verifyAuditChain(db());
    assert.ok(report.ok, JSON.stringify(report.problems));
    // The listing just above wrote its own read entry; the refused writes wrote none.
    assert.equal(report.entries, entries + 1);

    const again = await lists('POST', '/api/secrets/lists/web/values', { secret_key: 'BIG', secret_value: big });
    assert.equal(again.status, 201, 'the same write succeeds once there is room');
  });

  it('says a change was saved when only its answer failed for lack of space, and withholds the unaudited answer', async () => {
    try {
      const res = await hush.request('POST', '/probe/thing');
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.match(res.body.probe_error, /^Storage full: the change was saved, .*do not repeat the change/);
      assert.ok(!JSON.stringify(res.body).includes('shown-only-if-audited'));
    } finally {
      await freeDisk(db());
    }
    const log = await hush.request('GET', '/api/core/audit-log/?engine=probe');
    assert.deepEqual(
      log.body.results.map((e: any) => e.action),
      ['thing.create'],
      'the change and its own entry committed; the unwritable read entry is absent',
    );
  });

  it('fails a read closed when its audit entry finds no room, without claiming a change', async () => {
    try {
      const res = await hush.request('GET', '/probe/thing');
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.match(res.body.probe_error, /^Storage full: .*nothing was saved/);
      assert.ok(!JSON.stringify(res.body).includes('shown-only-if-audited'));
    } finally {
      await freeDisk(db());
    }
  });
});

/** Mounts a small tmpfs, or says why it cannot (mounting needs root with CAP_SYS_ADMIN, which CI may not grant). */
function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `mount -t tmpfs refused here: ${(r.stderr || r.error?.message || '').trim()}`;
}

describe('a full disk (a real tmpfs that runs out of space)', () => {
  let hush: RunningHush | undefined;
  let lists: ListsCall;
  const dir = tempDir('hush-tmpfs-');
  const filler = path.join(dir, 'filler');
  const cannotMount = mountTmpfs(dir, '16m');

  before(async () => {
    if (cannotMount) return;
    hush = await startHush({ dataDir: dir });
    lists = listsAs(hush, hush.token);
    await listWith(lists, 'web', { SMALL: 'one' });
  });
  after(async () => {
    await hush?.close();
    if (!cannotMount) spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 "storage full" when the file system is full, reports not ready, and recovers when space returns', async (t) => {
    if (cannotMount) return t.skip(cannotMount);
    const db = hush!.app.core.store.db;
    // An empty WAL, so the next commit must grow a file: nothing already allocated can absorb it.
    await sql`pragma wal_checkpoint(truncate)`.execute(db);
    const fill = spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { encoding: 'utf8' });
    assert.match(fill.stderr, /No space left on device/, 'the filler took all the space');

    const value = 'v'.repeat(60_000);
    const res = await lists('POST', '/api/secrets/lists/web/values', { secret_key: 'BIG', secret_value: value });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'unavailable');
    assert.match(res.body.error.message, /^Storage full: .*nothing was saved/);
    const ready = await fetch(`${hush!.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { problem: string }).problem, 'storage full');

    fs.rmSync(filler);
    assert.equal((await fetch(`${hush!.url}/readyz`)).status, 200, 'ready again once there is room');
    assert.deepEqual(
      (await lists('GET', '/api/secrets/lists/web/values')).body.map((v: any) => v.secret_key),
      ['SMALL'],
      'nothing half-written',
    );
    const report = await verifyAuditChain(db);
    assert.ok(report.ok, JSON.stringify(report.problems));
    assert.equal(
      (await lists('POST', '/api/secrets/lists/web/values', { secret_key: 'BIG', secret_value: value })).status,
      201,
    );
  });
});
