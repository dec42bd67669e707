import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseTemplate, fillTemplate } from '../../src/core/references/template.js';

// The cross-engine template syntax (src/core/references/template.ts): pure text, no server needed.
it('parses ${{ kind.NAME }} with whitespace, $${{ escapes and malformed openings', () => {
  const t = parseTemplate(
    'a ${{secret.A}} b ${{ \tsecret.B }} c $${{secret.C}} d ${{secret.A}} e ${{ phase.app.env.KEY }}',
  );
  assert.deepEqual(
    t.references.map((r) => r.id),
    ['secret.A', 'secret.B', 'phase.app.env.KEY'],
  );
  assert.deepEqual(t.malformed, []);
  const values: Record<string, string> = { 'secret.A': '1', 'secret.B': '2', 'phase.app.env.KEY': '3' };
  assert.equal(
    fillTemplate(t.parts, (r) => values[r.id]!),
    'a 1 b 2 c ${{secret.C}} d 1 e 3',
  );
  assert.deepEqual(parseTemplate('${{ nokind }} ${{secret.X').malformed, ['${{ nokind }}', '${{secret.X']);
  assert.deepEqual(parseTemplate('$$${{secret.X}}').references, []);
  assert.equal(
    fillTemplate(parseTemplate('$$${{secret.X}}').parts, () => ''),
    '$${{secret.X}}',
  );
});

it('scans a megabyte of unterminated openings in linear time', () => {
  const t = parseTemplate('${{'.repeat(350_000));
  assert.equal(t.references.length, 0);
  assert.ok(t.malformed.length > 0);
});
