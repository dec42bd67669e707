import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { auditNameProblem } from '../../src/core/audit/events.js';
import { allEngines } from '../../src/engines/index.js';

// Tests run from dist/test/contract/; the snapshot is the committed file beside this test's source.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SNAPSHOT = path.join(REPO, 'test', 'contract', 'audit-events.snapshot.json');

/** Every engine's declared audit actions, engines and names sorted, as the snapshot holds them. */
function declaredActions(): Record<string, string[]> {
  const engines = allEngines().sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(engines.map((e) => [e.name, [...new Set(Object.values(e.auditEvents))].sort()]));
}

describe('audit action names', () => {
  it('are the committed snapshot (test/contract/audit-events.snapshot.json)', () => {
    const actual = declaredActions();
    if (process.env.HUSH_UPDATE_SNAPSHOTS === '1') {
      fs.writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = fs.existsSync(SNAPSHOT)
      ? (JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, string[]>)
      : {};
    assert.deepEqual(
      actual,
      expected,
      'The audit action names changed. They are a public interface: SIEM rules and saved audit searches match on them. ' +
        'If the change is meant, list every rename and removal (old → new) in the README changelog ("Audit action names"), ' +
        'then regenerate the snapshot: npm run build && HUSH_UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs contract/audit-events',
    );
  });

  it('follow the naming rule in every engine (defineAuditEvents checks it too, when the module loads)', () => {
    const problems = Object.entries(declaredActions()).flatMap(([engine, names]) =>
      names.flatMap((n) => auditNameProblem(n) ?? []).map((p) => `${engine}: ${p}`),
    );
    assert.deepEqual(problems, []);
  });
});
