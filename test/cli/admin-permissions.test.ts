import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { objectTypesWith } from '../../src/core/identity/object-types.js';
import { GRANT_EXAMPLES } from '../../src/cli/commands/admin-permissions.js';
import { allEngines } from '../../src/engines/index.js';
import { runHush } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

/** What a server of this build checks: the registry every grant is held to. */
const registry = objectTypesWith(allEngines().flatMap((e) => e.objectTypes ?? []));

describe('hush admin permission: only object types and actions the engines check', () => {
  let dir: string;
  const admin = (...args: string[]) => runHush(['admin', ...args, '--data-dir', dir], { HUSH_LOG_LEVEL: 'silent' });
  const permissionCount = async () => (await admin('permission', 'list')).stdout.split('\n').filter(Boolean).length;

  before(async () => {
    dir = tempDir();
    assert.equal((await admin('init')).status, 0);
    assert.equal((await admin('user', 'create', 'ivy')).status, 0);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows in --help only examples that grant something', async () => {
    const help = await runHush(['admin', 'permission', 'grant', '--help']);
    assert.equal(help.status, 0);
    assert.ok(help.stdout.includes(GRANT_EXAMPLES.trim()), help.stdout);
    const examples = [...GRANT_EXAMPLES.matchAll(/--object-type (\S+) --actions (\S+)( --object-id)?/g)];
    assert.ok(examples.length >= 4);
    for (const [line, type, actions, objectId] of examples) {
      assert.doesNotThrow(
        () => registry.check({ objectTypes: [type!], actions: actions!.split(','), objectId: objectId ? '1' : null }),
        line,
      );
    }
    assert.ok(!help.stdout.includes('phase.environment'));
  });

  it('lists in --help every object type a grant may name, with its actions, and no other', async () => {
    const help = (await runHush(['admin', 'permission', 'grant', '--help'])).stdout;
    const listed = help.slice(help.indexOf('Object types (--object-type; any other is refused):'));
    const rows = [...listed.matchAll(/^ {2}(\S+) +(\S+) {2}/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(
      rows,
      registry.list().map((t) => [t.name, t.actions.join(',')]),
    );
    assert.match(listed, /^ {2}phase\.secret +view,add,change,delete {2}--object-id: an environment id$/m);
    assert.match(listed, /^ {2}users\.user +\S+ {2}whole only \(no --object-id\)$/m);
  });

  it('lists every object type with its actions and what an object id names', async () => {
    const r = await runHush(['admin', 'permission', 'types']);
    assert.equal(r.status, 0, r.stderr);
    for (const t of registry.list())
      assert.match(r.stdout, new RegExp(`^${t.name.replace('.', '\\.')}\\s+${t.actions.join(',')}\\s`, 'm'), t.name);
    assert.match(r.stdout, /--object-id: an environment id/);
    assert.ok(registry.list().length >= 13);
  });

  it("is what the README's Administration section lists", async () => {
    const readme = fs.readFileSync(
      path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'),
      'utf8',
    );
    const section = readme.slice(
      readme.indexOf('## Administration'),
      readme.indexOf('\n## ', readme.indexOf('## Administration') + 1),
    );
    for (const t of registry.list()) assert.ok(section.includes(`\`${t.name}\``), `README lists ${t.name}`);
  });

  it('refuses an unknown type, action or object id, naming the option and what is valid, and grants nothing', async () => {
    const before = await permissionCount();
    const type = await admin('permission', 'grant', 'ivy', '--object-type', 'phase.environment', '--actions', 'view');
    assert.equal(type.status, 1);
    assert.match(
      type.stderr,
      /--object-type: unknown object type "phase\.environment"; valid: .*phase\.app, phase\.secret/,
    );
    const action = await admin(
      'permission',
      'grant',
      'ivy',
      '--object-type',
      'netbox_secrets.secret',
      '--actions',
      'view,reveal',
    );
    assert.equal(action.status, 1);
    assert.match(
      action.stderr,
      /--actions: "reveal" is not an action of netbox_secrets\.secret; valid: view, add, change, delete/,
    );
    const scoped = await admin(
      'permission',
      'grant',
      'ivy',
      '--object-type',
      'users.user',
      '--actions',
      'view',
      '--object-id',
      '3',
    );
    assert.equal(scoped.status, 1);
    assert.match(scoped.stderr, /--object-id: users\.user cannot be granted on one object/);
    assert.match(
      (await admin('permission', 'grant', 'ivy', '--object-type', 'lists.list', '--actions', ',')).stderr,
      /--actions: give at least one action/,
    );
    assert.equal(await permissionCount(), before);

    const ok = await admin(
      'permission',
      'grant',
      'ivy',
      '--object-type',
      'phase.secret',
      '--actions',
      'view,change',
      '--object-id',
      '0b7cfa5e-1111-4c3e-9a55-000000000001',
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(
      (await admin('permission', 'list')).stdout,
      /\[view,change\] on phase\.secret #0b7cfa5e-1111-4c3e-9a55-000000000001/,
    );
  });
});
