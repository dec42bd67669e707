import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/server.js';

// Tests run from dist/test/scripts/; the script and the sources live in the repository.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

/** Runs `command` to its end, never throwing: the status and output are the test's to judge. */
async function exec(args: string[], cwd: string): Promise<{ status: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { status: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      status: typeof failed.code === 'number' ? failed.code : 1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}${failed.message}`,
    };
  }
}

/**
 * scripts/new-engine.mjs, run in a copy of the repository (src/, test/, docs/, the scripts, package.json and
 * tsconfig.json; node_modules linked): the engine it writes, with its test and contract fixture, must type-check with
 * the project's own compiler options and pass the layout check. Running the written engine's tests would need a whole
 * build of the copy; the contract suite runs every registered engine, so a scaffolded engine meets it once built.
 */
describe('scripts/new-engine.mjs', () => {
  const root = tempDir('hush-new-engine-');
  before(() => {
    for (const entry of [
      'src',
      'test',
      'docs',
      'README.md',
      'package.json',
      'tsconfig.json',
      'scripts/new-engine.mjs',
      'scripts/check-source.mjs',
    ]) {
      fs.cpSync(path.join(REPO, entry), path.join(root, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses a bad name or prefix, and an engine that exists', async () => {
    for (const args of [['Bad', '/api/x/'], ['ok', 'api/x/'], ['ok', '/api/x'], ['ok']]) {
      assert.equal(
        (await exec([path.join(root, 'scripts', 'new-engine.mjs'), ...args], root)).status,
        1,
        args.join(' '),
      );
    }
    const taken = await exec([path.join(root, 'scripts', 'new-engine.mjs'), 'lists', '/api/elsewhere/'], root);
    assert.equal(taken.status, 1);
    assert.match(taken.output, /src\/engines\/lists exists already/);
  });

  it('writes an engine of the new shape, registered, that type-checks and keeps the layout rules', async () => {
    const made = await exec([path.join(root, 'scripts', 'new-engine.mjs'), 'probe', '/api/probe/'], root);
    assert.equal(made.status, 0, made.output);
    const engine = path.join(root, 'src', 'engines', 'probe');
    for (const file of [
      'index.ts',
      'events.ts',
      'errors.ts',
      'permissions.ts',
      'tables.ts',
      'repo.ts',
      'schema.ts',
      'serializers.ts',
      'README.md',
      'routes/index.ts',
      'routes/things.ts',
      'service/things.ts',
      'migrations/index.ts',
      'migrations/0001_probe.ts',
    ]) {
      assert.ok(fs.existsSync(path.join(engine, file)), file);
    }
    for (const file of [
      'test/engines/probe/things.test.ts',
      'test/engines/probe/helpers.ts',
      'test/contract/fixtures/probe.ts',
    ])
      assert.ok(fs.existsSync(path.join(root, file)), file);
    const index = fs.readFileSync(path.join(engine, 'index.ts'), 'utf8');
    assert.match(index, /create\(ctx\)/);
    assert.match(index, /auditEvents: ProbeAudit/);
    assert.doesNotMatch(fs.readFileSync(path.join(engine, 'service', 'things.ts'), 'utf8'), /ctx\.db|Legacy/);
    assert.match(fs.readFileSync(path.join(engine, 'routes', 'things.ts'), 'utf8'), /changesData: true/);
    const registry = fs.readFileSync(path.join(root, 'src', 'engines', 'index.ts'), 'utf8');
    assert.match(registry, /import \{ probeEngine \} from '\.\/probe\/index\.js';/);
    assert.match(registry, /engines\.push\(probeEngine\);/);

    // The project's compiler options, over the new engine, its test and its fixture (and whatever they import).
    fs.writeFileSync(
      path.join(root, 'tsconfig.check.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { noEmit: true },
        include: [
          'src/engines/index.ts',
          'src/engines/probe/**/*.ts',
          'test/engines/probe/**/*.ts',
          'test/contract/fixtures/probe.ts',
        ],
      }),
    );
    const tsc = await exec(
      [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.check.json'],
      root,
    );
    assert.equal(tsc.status, 0, `the scaffold's code does not compile:\n${tsc.output}`);
    const layout = await exec([path.join(root, 'scripts', 'check-source.mjs')], root);
    assert.equal(layout.status, 0, layout.output);
  });
});
