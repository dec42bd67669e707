import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
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
});
