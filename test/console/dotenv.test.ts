import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../helpers/browser.js';

type Parse = (text: string) => {
  entries: { key: string; value: string; line: number }[];
  problems: { line: number; text: string }[];
};

/**
 * The console's `.env` parser (web/src/components/phase/dotenv.ts) runs in the browser; here the same file is
 * transpiled (TypeScript's own transpiler, no bundler) and imported, so its rules are checked without a browser.
 */
describe("the console's .env parser", () => {
  let parseDotenv: Parse;

  before(async () => {
    const source = fs.readFileSync(path.join(repoRoot, 'web/src/components/phase/dotenv.ts'), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hush-dotenv-')), 'dotenv.mjs');
    fs.writeFileSync(file, js);
    ({ parseDotenv } = (await import(file)) as { parseDotenv: Parse });
  });

  const pairs = (text: string) => parseDotenv(text).entries.map((e) => [e.key, e.value]);

  it('reads plain, exported, commented and quoted values as dotenv does', () => {
    assert.deepEqual(
      pairs(
        [
          '# a comment',
          'A=1',
          'export B = two words # trailing',
          "C='kept # as ${written}'",
          'D="line\\nbreak"',
          'E="spans',
          'lines"',
          '',
          'A=last wins',
        ].join('\n'),
      ),
      [
        ['A', 'last wins'],
        ['B', 'two words'],
        ['C', 'kept # as ${written}'],
        ['D', 'line\nbreak'],
        ['E', 'spans\nlines'],
      ],
    );
  });

  it('reads a value whose quote never closes as unquoted, and keeps every line after it', () => {
    const result = parseDotenv('A="unclosed\nB=2\nC=3');
    assert.deepEqual(
      result.entries.map((e) => [e.key, e.value, e.line]),
      [
        ['A', '"unclosed', 1],
        ['B', '2', 2],
        ['C', '3', 3],
      ],
    );
    assert.deepEqual(result.problems, []);
  });

  it('names the lines that are not KEY=value instead of dropping them', () => {
    const result = parseDotenv('A=1\nthis is not an assignment\nB=2');
    assert.deepEqual(
      result.entries.map((e) => e.key),
      ['A', 'B'],
    );
    assert.deepEqual(result.problems, [{ line: 2, text: 'this is not an assignment' }]);
  });
});
