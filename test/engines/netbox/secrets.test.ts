import assert from 'node:assert/strict';
import { createDecipheriv, pbkdf2Sync, privateDecrypt, constants } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Kysely } from 'kysely';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { P, secretBody, unlockedAdmin } from './helpers.js';

/** Stored NetBox bytes of a secret, unwrapped from the keyring the way the engine does. */
async function storedCiphertext(hush: RunningHush, id: number): Promise<{ bytes: Buffer; hash: string }> {
  const db = hush.app.core.db as Kysely<any>;
  const row = await db.selectFrom('netbox_secrets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const bytes = await hush.app.core.keyring
    .cipher('netbox_secrets')
    .open(row.ciphertext, { row: row.seal_id, column: 'ciphertext' });
  return { bytes, hash: row.hash };
}

async function masterKey(hush: RunningHush, privateKey: string): Promise<Buffer> {
  const db = hush.app.core.db as Kysely<any>;
  const row = await db
    .selectFrom('netbox_user_keys')
    .select('master_key_cipher')
    .where('user_id', '=', 1)
    .executeTakeFirstOrThrow();
  return privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(row.master_key_cipher, 'base64'),
  );
}

forEachDialect('netbox secrets (plugin API)', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
  });
  after(() => hush.close());

  it('needs a session key to create; cookie or header both work; create answers plaintext null', async () => {
    const body = { ...secretBody(s.deviceId, s.roleId, 'secret'), role: { id: s.roleId } };
    const without = await s.plain('POST', `${P}/secrets/`, body);
    assert.deepEqual(
      [without.status, without.body],
      [400, ['A session key must be provided when creating or updating secrets.']],
    );
    const viaCookie = await s.plain(
      'POST',
      `${P}/secrets/`,
      { ...body, name: 'cookie' },
      { cookie: `netbox_secrets_sessionid="${s.sessionKey}"` },
    );
    assert.equal(viaCookie.status, 201);
    const created = await s.call('POST', `${P}/secrets/`, body);
    assert.equal(created.status, 201);
    assert.equal(created.body.plaintext, null);
    assert.deepEqual(Object.keys(created.body), [
      'id',
      'url',
      'display',
      'assigned_object_type',
      'assigned_object_id',
      'assigned_object',
      'role',
      'name',
      'plaintext',
      'hash',
      'description',
      'comments',
      'tags',
      'custom_fields',
      'created',
      'last_updated',
    ]);
    assert.deepEqual(created.body.assigned_object, {
      id: s.deviceId,
      url: `${hush.url}/api/dcim/devices/${s.deviceId}/`,
      display: 'MyTestDevice',
      name: 'MyTestDevice',
      description: '',
    });
    assert.equal(created.body.role.secret_count, 0);
    assert.match(created.body.hash, /^pbkdf2_sha256\$1000\$[A-Za-z0-9]{12,}\$/);
    const [, iterations, salt, digest] = created.body.hash.split('$');
    assert.equal(pbkdf2Sync('secret', salt, Number(iterations), 32, 'sha256').toString('base64'), digest);
  });

  it('stores the original byte layout: IV ‖ AES-256-CFB8 of the 64-byte frame', async () => {
    const list = await s.plain('GET', `${P}/secrets/?name=secret`);
    const { bytes } = await storedCiphertext(hush, list.body.results[0].id);
    assert.equal(bytes.length, 16 + 64);
    const key = await masterKey(hush, s.pair.privateKey);
    const decipher = createDecipheriv('aes-256-cfb8', key, bytes.subarray(0, 16));
    const frame = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]);
    assert.equal(frame.readUInt16BE(0), 6);
    assert.equal(frame.subarray(2, 8).toString(), 'secret');
    const cfb128 = createDecipheriv('aes-256-cfb', key, bytes.subarray(0, 16));
    assert.notEqual(
      Buffer.concat([cfb128.update(bytes.subarray(16)), cfb128.final()])
        .subarray(2, 8)
        .toString(),
      'secret',
    );
  });

  it('reads plaintext only with a valid key; lists decrypt every item; brief shapes', async () => {
    const id = (await s.plain('GET', `${P}/secrets/?name=secret`)).body.results[0].id;
    assert.equal((await s.plain('GET', `${P}/secrets/${id}/`)).body.plaintext, null);
    assert.equal((await s.call('GET', `${P}/secrets/${id}/`)).body.plaintext, 'secret');
    const list = await s.call('GET', `${P}/secrets/`);
    assert.equal(list.body.count, 2);
    assert.deepEqual(
      list.body.results.map((r: any) => r.plaintext),
      ['secret', 'secret'],
    );
    assert.deepEqual(Object.keys((await s.call('GET', `${P}/secrets/?brief=1`)).body.results[0]), [
      'id',
      'url',
      'display',
      'name',
    ]);
    assert.deepEqual(Object.keys((await s.call('GET', `${P}/secret-roles/?brief=1`)).body.results[0]), [
      'id',
      'url',
      'display',
      'name',
      'slug',
      'description',
      'secret_count',
      '_depth',
    ]);
    assert.equal((await s.call('GET', `${P}/secret-roles/${s.roleId}/`)).body.secret_count, 2);
  });

  it('rejects wrong session keys with the original errors, never a 500', async () => {
    const id = (await s.plain('GET', `${P}/secrets/?name=secret`)).body.results[0].id;
    const body = secretBody(s.deviceId, s.roleId, 'other');
    const wrong = await s.plain('POST', `${P}/secrets/`, body, {
      'x-session-key': Buffer.from('wrong-key').toString('base64'),
    });
    assert.deepEqual([wrong.status, wrong.body], [400, ['Invalid session key.']]);
    const zeros = await s.plain('GET', `${P}/secrets/${id}/`, undefined, { 'x-session-key': `${'A'.repeat(43)}=` });
    assert.deepEqual([zeros.status, zeros.body], [400, ['Invalid session key.']]);
    const garbage = await s.plain('GET', `${P}/secrets/${id}/`, undefined, { 'x-session-key': 'bad' });
    assert.deepEqual([garbage.status, garbage.body.plaintext], [200, null]);
    assert.deepEqual((await s.plain('POST', `${P}/secrets/`, body, { 'x-session-key': 'bad' })).body, [
      'A session key must be provided when creating or updating secrets.',
    ]);
  });

  it('updates plaintext with a key only; a new hash and IV each time', async () => {
    const before = (await s.call('GET', `${P}/secrets/?name=secret`)).body.results[0];
    assert.equal((await s.plain('PATCH', `${P}/secrets/${before.id}/`, { plaintext: 'new' })).status, 400);
    const patched = await s.call('PATCH', `${P}/secrets/${before.id}/`, {
      plaintext: '  new  ',
      description: 'device admin',
    });
    assert.deepEqual([patched.status, patched.body.plaintext, patched.body.description], [200, null, 'device admin']);
    const after = await s.call('GET', `${P}/secrets/${before.id}/`);
    assert.equal(after.body.plaintext, 'new');
    assert.notEqual(after.body.hash, before.hash);
    assert.deepEqual((await s.call('PATCH', `${P}/secrets/${before.id}/`, { plaintext: '' })).body, {
      plaintext: ['This field may not be blank.'],
    });
    assert.deepEqual((await s.call('PATCH', `${P}/secrets/${before.id}/`, { plaintext: null })).body, {
      plaintext: ['This field may not be null.'],
    });
    const ivs = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await s.call('PATCH', `${P}/secrets/${before.id}/`, { plaintext: 'same' });
      ivs.add((await storedCiphertext(hush, before.id)).bytes.subarray(0, 16).toString('hex'));
    }
    assert.equal(ivs.size, 5);
  });

  it('validates writes: content type, role, duplicates, missing objects, sizes', async () => {
    const body = secretBody(s.deviceId, s.roleId, 'v');
    assert.deepEqual((await s.call('POST', `${P}/secrets/`, { ...body, assigned_object_type: 'dcim.site' })).body, {
      assigned_object_type: ['Invalid content type: dcim.site'],
    });
    assert.deepEqual((await s.call('POST', `${P}/secrets/`, { ...body, role: undefined })).body, {
      role: ['This field is required.'],
    });
    assert.deepEqual((await s.call('POST', `${P}/secrets/`, { ...body, role: 999 })).body, {
      role: ['Related object not found using the provided numeric ID: 999'],
    });
    assert.deepEqual((await s.call('POST', `${P}/secrets/`, { ...body, role: { slug: 'login-creds' } })).status, 201);
    const dup = await s.call('POST', `${P}/secrets/`, body);
    assert.deepEqual(
      [dup.status, dup.body],
      [
        400,
        {
          non_field_errors: ['The fields assigned_object_type, assigned_object_id, role, name must make a unique set.'],
        },
      ],
    );
    const orphan = await s.call('POST', `${P}/secrets/`, { ...body, assigned_object_id: 999999 });
    assert.equal(orphan.status, 201);
    assert.equal((await s.call('GET', `${P}/secrets/${orphan.body.id}/`)).body.assigned_object, null);
    const one = await s.call('POST', `${P}/secrets/`, { ...body, name: 'tiny', plaintext: 'A' });
    assert.equal((await storedCiphertext(hush, one.body.id)).bytes.length, 80);
    const max = 'x'.repeat(65_535);
    const big = await s.call('POST', `${P}/secrets/`, { ...body, name: 'max', plaintext: max });
    assert.equal((await storedCiphertext(hush, big.body.id)).bytes.length, 65_568);
    assert.equal((await s.call('GET', `${P}/secrets/${big.body.id}/`)).body.plaintext, max);
    assert.equal((await s.call('POST', `${P}/secrets/`, { ...body, name: 'over', plaintext: `${max}x` })).status, 400);
    assert.deepEqual((await s.call('POST', `${P}/secrets/`, { ...body, name: 'none', plaintext: undefined })).body, {
      plaintext: ['This field is required.'],
    });
  });

  it('returns plaintext null (no 500) when the stored hash does not match', async () => {
    const created = await s.call('POST', `${P}/secrets/`, secretBody(s.deviceId, s.roleId, 'tampered', 'right'));
    const db = hush.app.core.db as Kysely<any>;
    const other = (await s.call('GET', `${P}/secrets/?name=secret`)).body.results[0].hash;
    await db.updateTable('netbox_secrets').set({ hash: other }).where('id', '=', created.body.id).execute();
    const read = await s.call('GET', `${P}/secrets/${created.body.id}/`);
    assert.deepEqual([read.status, read.body.plaintext], [200, null]);
  });

  it('filters, searches and orders like the plugin', async () => {
    const vm = await s.plain('POST', '/api/virtualization/virtual-machines/', { name: 'vm-1' });
    await s.call('POST', `${P}/secrets/`, {
      ...secretBody(vm.body.id, s.roleId, 'vm-secret'),
      assigned_object_type: 'virtualization.virtualmachine',
    });
    const count = async (q: string) => (await s.plain('GET', `${P}/secrets/?${q}`)).body.count;
    assert.equal(await count('q=device%20admin'), 1);
    assert.equal(await count('q=vm-1'), 1);
    assert.equal(
      await count('q=MyTest'),
      await count(`assigned_object_type=dcim.device&assigned_object_id=${s.deviceId}`),
    );
    assert.equal(await count('assigned_object_type=virtualization.virtualmachine'), 1);
    assert.equal(await count('assigned_object_type=dcim.site'), 0);
    assert.equal(await count('assigned_object_type_id=2'), 1);
    assert.equal(await count(`assigned_object_id=${vm.body.id}&assigned_object_type=virtualization.virtualmachine`), 1);
    assert.equal(await count(`role_id=${s.roleId}`), await count(''));
    assert.equal(await count('role=login-creds'), await count(''));
    assert.deepEqual((await s.plain('GET', `${P}/secrets/?role_id=99999`)).body, {
      role_id: ['Select a valid choice. 99999 is not one of the available choices.'],
    });
    assert.equal(await count('name=cookie&name=tiny'), 2);
    assert.equal(await count('name__ic=TIN'), 1);
    assert.equal(await count('name__n=tiny'), (await count('')) - 1);
    assert.equal(
      await count(`device_id=${s.deviceId}`),
      await count(`assigned_object_type=dcim.device&assigned_object_id=${s.deviceId}`),
    );
    assert.equal(await count('virtual_machine=vm-1'), 1);
    const names = (await s.plain('GET', `${P}/secrets/?ordering=-name&limit=3`)).body.results.map((r: any) => r.name);
    assert.deepEqual(names, [...names].sort().reverse());
    const page = await s.plain('GET', `${P}/secrets/?limit=2&offset=2`);
    assert.equal(page.body.results.length, 2);
    assert.match(page.body.next, /\?limit=2&offset=4$/);
    assert.match(page.body.previous, /\?limit=2$/);
  });

  it('bulk creates, updates and deletes all-or-nothing; delete needs no key', async () => {
    const items = ['b1', 'b2', 'b3'].map((n) => secretBody(s.deviceId, s.roleId, n, n));
    const created = await s.call('POST', `${P}/secrets/`, items);
    assert.deepEqual([created.status, created.body.length], [201, 3]);
    const failing = await s.call('POST', `${P}/secrets/`, [
      secretBody(s.deviceId, s.roleId, 'b4'),
      secretBody(s.deviceId, s.roleId, 'b1'),
    ]);
    assert.equal(failing.status, 400);
    assert.equal((await s.plain('GET', `${P}/secrets/?name=b4`)).body.count, 0, 'nothing of a failed batch is kept');
    const ids = created.body.map((r: any) => r.id);
    const updated = await s.call(
      'PATCH',
      `${P}/secrets/`,
      ids.map((id: number) => ({ id, description: 'bulk' })),
    );
    assert.deepEqual(
      updated.body.map((r: any) => r.description),
      ['bulk', 'bulk', 'bulk'],
    );
    assert.equal((await s.plain('DELETE', `${P}/secrets/${ids[0]}/`)).status, 204);
    assert.equal(
      (
        await s.plain(
          'DELETE',
          `${P}/secrets/`,
          ids.slice(1).map((id: number) => ({ id })),
        )
      ).status,
      204,
    );
    assert.equal((await s.plain('GET', `${P}/secrets/${ids[1]}/`)).status, 404);
    assert.deepEqual((await s.plain('GET', `${P}/secrets/${ids[1]}/`)).body, {
      detail: 'No Secret matches the given query.',
    });
  });

  it('audits every plaintext read and write, never the value', async () => {
    const log = await hush.request('GET', '/api/core/audit-log/?engine=netbox&limit=1000');
    const actions = log.body.results.map((e: any) => e.action);
    for (const a of ['secret.read', 'secret.create', 'secret.update', 'secret.delete'])
      assert.ok(actions.includes(a), a);
    assert.ok(!JSON.stringify(log.body).includes('Drowssap') && !JSON.stringify(log.body).includes('"new"'));
  });
});
