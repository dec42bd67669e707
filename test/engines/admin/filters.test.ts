import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';

/** NetBox's UserFilterSet, TokenFilterSet and ObjectPermissionFilterSet on the admin lists; unknown filters are 400. */
forEachDialect('admin API list filters', (dialect) => {
  let hush: RunningHush;
  let alice: number;
  let bob: number;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    const mk = async (body: object) => (await hush.request('POST', '/api/users/users/', { body })).body.id as number;
    alice = await mk({ username: 'alice', first_name: 'Alice', email: 'alice@example.com' });
    bob = await mk({ username: 'bob', last_name: 'Builder', is_active: false });
    for (const [name, actions, users] of [
      ['temp-perm', ['view'], [alice]],
      ['temp-perm-2', ['view', 'change'], [bob]],
      ['keep-me', ['add'], [alice, bob]],
    ] as const) {
      const res = await hush.request('POST', '/api/users/permissions/', {
        body: { name, object_types: ['netbox_secrets.secret'], actions, users, description: `about ${name}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    for (const [user, description] of [
      [alice, 'ci deploy'],
      [bob, 'backup job'],
    ] as const)
      assert.equal((await hush.request('POST', '/api/users/tokens/', { body: { user, description } })).status, 201);
  });
  after(() => hush.close());

  const names = async (path: string, key = 'username') => {
    const res = await hush.request('GET', path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.results as Record<string, unknown>[]).map((r) => r[key]);
  };

  it('filters users by exact, lookups, booleans, repeats, q, dates and orders them', async () => {
    assert.deepEqual(await names('/api/users/users/?username=alice'), ['alice']);
    assert.deepEqual(await names('/api/users/users/?username__ic=LIC'), ['alice']);
    assert.deepEqual(await names('/api/users/users/?username__isw=b'), ['bob']);
    assert.deepEqual(await names('/api/users/users/?username__iew=CE'), ['alice']);
    assert.deepEqual(await names('/api/users/users/?username__ie=BOB'), ['bob']);
    assert.deepEqual(await names('/api/users/users/?username__n=admin&username__n=bob'), ['alice']);
    assert.deepEqual(await names('/api/users/users/?last_name__empty=false'), ['bob']);
    assert.deepEqual(await names('/api/users/users/?is_active=false'), ['bob']);
    assert.deepEqual(await names('/api/users/users/?is_superuser=true'), ['admin']);
    assert.deepEqual(await names(`/api/users/users/?id=${alice}&id=${bob}`), ['alice', 'bob']);
    assert.deepEqual(await names(`/api/users/users/?id__gt=${alice}`), ['bob']);
    assert.deepEqual(await names('/api/users/users/?q=builder'), ['bob']);
    assert.deepEqual(await names('/api/users/users/?q=%20'), ['admin', 'alice', 'bob']);
    assert.deepEqual(await names('/api/users/users/?date_joined__gte=2000-01-01&ordering=-username'), [
      'bob',
      'alice',
      'admin',
    ]);
    assert.deepEqual(await names('/api/users/users/?date_joined__lt=2000-01-01'), []);
    const perm = (await hush.request('GET', '/api/users/permissions/?name=keep-me')).body.results[0].id;
    assert.deepEqual(await names(`/api/users/users/?permission_id=${perm}`), ['alice', 'bob']);
  });

  it('filters permissions, so a cleanup loop deletes only what it names', async () => {
    assert.deepEqual(await names('/api/users/permissions/?name=temp-perm', 'name'), ['temp-perm']);
    assert.deepEqual(await names('/api/users/permissions/?name__isw=temp', 'name'), ['temp-perm', 'temp-perm-2']);
    assert.deepEqual(await names('/api/users/permissions/?can_change=true', 'name'), ['temp-perm-2']);
    assert.deepEqual(await names('/api/users/permissions/?can_view=false', 'name'), ['keep-me']);
    assert.deepEqual(await names('/api/users/permissions/?user=alice', 'name'), ['keep-me', 'temp-perm']);
    assert.deepEqual(await names(`/api/users/permissions/?user_id=${bob}`, 'name'), ['keep-me', 'temp-perm-2']);
    assert.deepEqual(await names('/api/users/permissions/?object_type=netbox_secrets.secret&q=perm-2', 'name'), [
      'temp-perm-2',
    ]);
    assert.deepEqual(await names('/api/users/permissions/?object_type=phase.app', 'name'), []);
    assert.deepEqual(await names('/api/users/permissions/?enabled=true&ordering=-name', 'name'), [
      'temp-perm-2',
      'temp-perm',
      'keep-me',
    ]);
  });

  it('filters tokens by description, user, key and q', async () => {
    assert.deepEqual(await names('/api/users/tokens/?description=ci%20deploy', 'description'), ['ci deploy']);
    assert.deepEqual(await names('/api/users/tokens/?user=bob', 'description'), ['backup job']);
    assert.deepEqual(await names(`/api/users/tokens/?user_id=${alice}`, 'description'), ['ci deploy']);
    assert.deepEqual(await names('/api/users/tokens/?q=BACKUP', 'description'), ['backup job']);
    assert.deepEqual(await names('/api/users/tokens/?write_enabled=true&description__ic=job', 'description'), [
      'backup job',
    ]);
    assert.deepEqual(await names(`/api/users/tokens/?key=${hush.token}`, 'description'), [
      (await hush.request('GET', '/api/users/tokens/?user=admin')).body.results[0].description,
    ]);
    assert.deepEqual(await names('/api/users/tokens/?created__gte=2999-01-01', 'description'), []);
  });

  it('refuses unknown filters and bad values with 400 naming the parameter, never ignoring them', async () => {
    for (const [path, field] of [
      ['/api/users/users/?colour=blue', 'colour'],
      ['/api/users/users/?username__regex=a', 'username__regex'],
      ['/api/users/users/?group=admins', 'group'],
      ['/api/users/permissions/?nmae=temp-perm', 'nmae'],
      ['/api/users/tokens/?created__gt=2020-01-01', 'created__gt'],
      ['/api/users/users/?is_active=maybe', 'is_active'],
      ['/api/users/users/?id=x', 'id'],
      ['/api/users/tokens/?user=nobody', 'user'],
      ['/api/users/permissions/?user_id=9999', 'user_id'],
      ['/api/users/users/?date_joined__gte=yesterday', 'date_joined__gte'],
      // Date.parse reads these as years; a filter that took them would match every row.
      ['/api/users/users/?date_joined__gte=0', 'date_joined__gte'],
      ['/api/users/users/?date_joined__lt=12', 'date_joined__lt'],
    ]) {
      const res = await hush.request('GET', path!);
      assert.equal(res.status, 400, path);
      assert.ok(Array.isArray(res.body[field!]), `${path}: ${JSON.stringify(res.body)}`);
    }
    // Paging and representation parameters are not filters.
    const page = await hush.request('GET', '/api/users/users/?limit=1&offset=1&brief=1&fields=id&exclude=x');
    assert.equal(page.status, 200);
    assert.equal(page.body.count, 3);
  });
});
