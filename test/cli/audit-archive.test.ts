import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { runHush } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

describe('hush admin audit archive and verify --archive', () => {
  let dir: string;
  const admin = (...args: string[]) => runHush(['admin', ...args, '--data-dir', dir], { HUSH_LOG_LEVEL: 'silent' });

  before(async () => {
    dir = tempDir();
    const init = await admin('init');
    assert.equal(init.status, 0, init.stderr);
    for (const name of ['ann', 'bob']) assert.equal((await admin('user', 'create', name)).status, 0);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a date it cannot read, naming the option', async () => {
    const bad = await admin('audit', 'archive', '--before', 'last tuesday', '--to', path.join(dir, 'x.jsonl'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--before/);
    assert.equal(fs.existsSync(path.join(dir, 'x.jsonl')), false);
  });

  it('archives, and both the live log and the archive verify; a tampered archive exits 2', async () => {
    const file = path.join(dir, 'old.jsonl');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const archived = await admin('audit', 'archive', '--before', tomorrow, '--to', file);
    assert.equal(archived.status, 0, archived.stderr);
    assert.match(archived.stdout, /archived \d+ entries \(1\.\.\d+\)/);

    const live = await admin('audit', 'verify');
    assert.equal(live.status, 0, live.stdout);
    assert.match(live.stdout, /audit log intact: 1 entries verified\n.*archived/);
    const both = await admin('audit', 'verify', '--archive', file);
    assert.equal(both.status, 0, both.stdout);
    assert.match(both.stdout, /archive .*old\.jsonl \(entries 1\.\.\d+\) intact/);

    const again = await admin('audit', 'archive', '--before', tomorrow, '--to', file);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);

    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), client_ip: '203.0.113.9' });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const tampered = await admin('audit', 'verify', '--archive', file);
    assert.equal(tampered.status, 2);
    assert.match(tampered.stdout, /BROKEN/);
  });

  it('verify --anchor saves every stripe head, and a later run catches a stripe rewound behind the saved head', async () => {
    const anchor = path.join(dir, 'anchor.json');
    const stripeWithTwo = () => {
      const db = new Database(path.join(dir, 'hush.db'), { readonly: true });
      try {
        const row = db
          .prepare('select stripe from core_audit_log group by stripe having count(*) >= 2 limit 1')
          .get() as { stripe: number } | undefined;
        return row?.stripe;
      } finally {
        db.close();
      }
    };
    // Users until two entries share a stripe (16 stripes: at most 17 of them).
    for (let i = 0; stripeWithTwo() === undefined; i++)
      assert.equal((await admin('user', 'create', `anchor-${i}`)).status, 0);
    const stripe = stripeWithTwo()!;
    const first = await admin('audit', 'verify', '--anchor', anchor);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const saved = JSON.parse(fs.readFileSync(anchor, 'utf8')) as { heads: { stripe: number; seq: number }[] };
    assert.equal(saved.heads.length, 16);
    assert.equal((fs.statSync(anchor).mode & 0o777).toString(8), '600');

    // The newest entry of that stripe, deleted, and the stripe's head moved back to the entry before it.
    const db = new Database(path.join(dir, 'hush.db'));
    try {
      const [newest, previous] = db
        .prepare('select seq, hash from core_audit_log where stripe = ? order by seq desc limit 2')
        .all(stripe) as { seq: number; hash: string }[];
      db.prepare('delete from core_audit_log where seq = ?').run(newest!.seq);
      db.prepare('update core_audit_head set seq = ?, hash = ? where id = ?').run(
        previous!.seq,
        previous!.hash,
        stripe,
      );
    } finally {
      db.close();
    }
    assert.equal((await admin('audit', 'verify')).status, 0, 'the walk alone cannot tell');
    const before = fs.readFileSync(anchor, 'utf8');
    const caught = await admin('audit', 'verify', '--anchor', anchor);
    assert.equal(caught.status, 2, caught.stdout);
    assert.match(caught.stdout, new RegExp(`stripe ${stripe}: its head moved back`));
    assert.equal(fs.readFileSync(anchor, 'utf8'), before, 'a failed check keeps the anchor it was compared with');

    fs.writeFileSync(anchor, '{"heads": "none"}');
    const unreadable = await admin('audit', 'verify', '--anchor', anchor);
    assert.equal(unreadable.status, 1);
    assert.match(unreadable.stderr, /--anchor/);
  });
});
