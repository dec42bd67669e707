import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { P, secretBody, unlockedAdmin } from './helpers.js';

/**
 * NetBox 4.x's `?omit=` on the plugin's secret reads: fields left out, and with `plaintext` omitted nothing is
 * decrypted or audited even with a session key (the console lists secrets this way). SQLite only: the behaviour is in
 * the route, above any SQL.
 */
let hush: RunningHush;
let s: Awaited<ReturnType<typeof unlockedAdmin>>;
let id = 0;
before(async () => {
  hush = await startHush();
  s = await unlockedAdmin(hush);
  const made = await s.call('POST', `${P}/secrets/`, secretBody(s.deviceId, s.roleId, 'enable', 'Omit-me-77'));
  assert.equal(made.status, 201, JSON.stringify(made.body));
  id = made.body.id as number;
});
after(() => hush.close());

const reads = async () =>
  (await hush.request('GET', '/api/core/audit-log/?engine=netbox&action=secret.read&limit=1000')).body.count as number;

it('lists without plaintext and without an audited read when plaintext is omitted', async () => {
  const before = await reads();
  const list = await s.call('GET', `${P}/secrets/?omit=plaintext,hash`);
  assert.equal(list.status, 200);
  const [secret] = list.body.results;
  assert.equal(secret.name, 'enable');
  assert.ok(!('plaintext' in secret) && !('hash' in secret), JSON.stringify(secret));
  assert.ok(!JSON.stringify(list.body).includes('Omit-me-77'));
  assert.equal(await reads(), before);
});

it('reads one secret without plaintext the same way; without omit it decrypts and audits', async () => {
  const before = await reads();
  const lean = await s.call('GET', `${P}/secrets/${id}/?omit=plaintext`);
  assert.equal(lean.status, 200);
  assert.ok(!('plaintext' in lean.body));
  assert.equal(await reads(), before);
  const full = await s.call('GET', `${P}/secrets/${id}/`);
  assert.equal(full.body.plaintext, 'Omit-me-77');
  assert.equal(await reads(), before + 1);
});

it('does not read the session key when plaintext is omitted: a stale one fails only the reads that need it', async () => {
  const stale = Buffer.alloc(32, 7).toString('base64');
  const headers = { 'x-session-key': stale };
  const lean = await hush.request('GET', `${P}/secrets/?omit=plaintext`, { headers });
  assert.equal(lean.status, 200, JSON.stringify(lean.body));
  const full = await hush.request('GET', `${P}/secrets/`, { headers });
  assert.equal(full.status, 400);
});

it('keeps id, url and display whatever is omitted, and accepts a repeated parameter', async () => {
  const res = await s.call('GET', `${P}/secrets/${id}/?omit=id,url&omit=display,role`);
  assert.equal(res.status, 200);
  assert.equal(res.body.id, id);
  assert.ok(res.body.url && res.body.display);
  assert.ok(!('role' in res.body));
});

it('is an unknown filter on the legacy API, as in NetBox 2.x', async () => {
  const res = await s.call('GET', `/api/secrets/secrets/?omit=plaintext`);
  assert.equal(res.status, 200);
  assert.equal(res.body.results[0].plaintext, 'Omit-me-77');
});
