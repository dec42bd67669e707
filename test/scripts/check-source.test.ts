import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { tempDir } from '../helpers/server.js';

// Tests run from dist/test/scripts/; the script lives in the repository's scripts/.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO, 'scripts', 'check-source.mjs');
// Assembled, so that the check of this repository does not read the bad citations below as its own.
const D = 'docs';
const SHARED = 'shared';

/** Runs the check on a copy of the script inside a small tree made of `files` (path → text). */
function checkTree(files: Record<string, string>): { status: number | null; output: string } {
  const root = tempDir('hush-check-source-');
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.copyFileSync(SCRIPT, path.join(root, 'scripts', 'check-source.mjs'));
  // The script cites the architecture notes' sections on enforced rules and on each engine's own tables.
  fs.mkdirSync(path.join(root, D));
  fs.writeFileSync(
    path.join(root, D, 'architecture.md'),
    '# Architecture\n\n## 6. Each engine sees only its own tables\n\n## 14. Rules enforced by a tool\n',
  );
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-source.mjs')], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

const dirs: string[] = [];
const DOC = '# Notes\n\n## 1. One\n\n### 1.2 One two\n\n## 2. Two\n';

describe('scripts/check-source.mjs: citations', () => {
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes citations of docs/ files and sections that exist', () => {
    const run = checkTree({
      [`${D}/notes.md`]: DOC,
      'src/core/a.ts': `// As \`${D}/notes.md\` §1.2 says, and ${D}/notes.md §2; see ${D}/.\nexport const a = 1;\n`,
      'test/a.test.ts': `// ${D}/notes.md §1\n`,
    });
    assert.equal(run.status, 0, run.output);
  });

  it('fails on notes outside the repository, naming file and line', () => {
    const run = checkTree({
      [`${D}/notes.md`]: DOC,
      'src/core/a.ts': `export const a = 1;\n// (${SHARED}/specs/phase.md §2)\n`,
      'test/b.test.ts': `const SEEDS = '../../../../${SHARED}/specs/seeds';\n`,
      'scripts/c.mjs': `// ${'STYLE'}.md §8.11\n`,
      'README.md': `See ${'DESIGN'}.md.\n`,
    });
    assert.equal(run.status, 1);
    assert.match(run.output, /src\/core\/a\.ts:2: cites shared\//);
    assert.match(run.output, /test\/b\.test\.ts:1: cites \.\.\/\.\.\/\.\.\/\.\.\/shared\//);
    assert.match(run.output, /scripts\/c\.mjs:1: cites STYLE\.md/);
    assert.match(run.output, /README\.md:1: cites DESIGN\.md/);
  });

  it('fails on a docs/ path that does not exist and on a section the file does not have', () => {
    const run = checkTree({
      [`${D}/notes.md`]: DOC,
      'src/engines/x/a.ts': `// ${D}/missing.md §1\n// ${D}/notes.md §3\n// ${D}/notes.md §1.3\n`,
    });
    assert.equal(run.status, 1);
    assert.match(run.output, /a\.ts:1: cites docs\/missing\.md, which does not exist/);
    assert.match(run.output, /a\.ts:2: cites docs\/notes\.md §3, which has no such section/);
    assert.match(run.output, /a\.ts:3: cites docs\/notes\.md §1\.3, which has no such section/);
  });

  it('passes on this repository', () => {
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});

describe('scripts/check-source.mjs: engine boundaries', () => {
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets an engine use the core through its ports and name a core row in a migration', () => {
    const run = checkTree({
      'src/core/ports.ts': 'export const port = 1;\n',
      'src/engines/a/index.ts': "import { port } from '../../core/ports.js';\nexport const a = port;\n",
      'src/engines/a/migrations/0001.ts': "export const fk = 'core_tokens.id';\n",
    });
    assert.equal(run.status, 0, run.output);
  });

  it('refuses core internals, core tables, dynamic imports of another engine, and HTTP importing an engine', () => {
    const run = checkTree({
      'src/core/ports.ts': 'export const port = 1;\n',
      'src/core/errors.ts': 'export const e = 1;\n',
      'src/engines/a/service.ts':
        "import { e } from '../../core/errors.js';\nexport const q = 'select * from core_users';\n",
      'src/engines/a/late.ts': "export const b = () => import('../b/index.js');\n",
      'src/engines/b/index.ts': 'export const b = 1;\n',
      'src/http/server.ts': "import { b } from '../engines/b/index.js';\n",
    });
    assert.notEqual(run.status, 0);
    assert.match(
      run.output,
      /src\/engines\/a\/service\.ts: engine "a" imports core internals \(src\/core\/errors\.ts\)/,
    );
    assert.match(run.output, /src\/engines\/a\/service\.ts: engine "a" names the core table core_users/);
    assert.match(run.output, /src\/engines\/a\/late\.ts: engine "a" imports engine "b"/);
    assert.match(run.output, /src\/http\/server\.ts: the HTTP core must not import src\/engines\/b\/index\.ts/);
  });
});
