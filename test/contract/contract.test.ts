import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { allEngines } from '../../src/engines/index.js';
import { forEachDialect } from '../helpers/dialects.js';
import { contractFixtures } from './fixtures/index.js';
import { ok, routeKey, runContract, type ContractOutcome, type EngineOutcome } from './run.js';

/**
 * One contract every engine runs (issue 14; in the manner of a router's shared test cases): each engine gives a few
 * fixture functions (test/contract/fixtures/<engine>.ts) and the same checks run on their recording, on both
 * dialects. What the core enforces at run time (declared access, audited changes and reads) is checked here from the
 * outside, on what a client and an auditor see.
 */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const isEmptySchema = (s: unknown) =>
  !s || typeof s !== 'object' || Object.keys(s).every((k) => k === 'description' || k === 'title');

forEachDialect('engine contract', (dialect) => {
  const manifests = allEngines();
  let outcome: ContractOutcome;
  before(async () => {
    outcome = await runContract(
      manifests,
      manifests.flatMap((m) => contractFixtures[m.name]?.() ?? []),
      dialect.databaseUrl,
    );
  });

  it('has a fixture for every engine the server serves', () => {
    const missing = manifests.map((m) => m.name).filter((name) => !contractFixtures[name]);
    assert.deepEqual(
      missing,
      [],
      'add test/contract/fixtures/<engine>.ts and list it in test/contract/fixtures/index.ts',
    );
  });

  for (const manifest of manifests) {
    const name = manifest.name;
    if (!contractFixtures[name]) continue;
    describe(name, () => {
      let engine: EngineOutcome;
      before(() => {
        engine = outcome.engines.get(name)!;
        // The fixture's own failure, once per check: each reports why its engine has no recording to check.
        if (engine.error) throw engine.error;
      });
      const mine = () => outcome.exchanges.filter((x) => x.engine === name);

      it('answers its main list route without credentials with its own status and envelope', () => {
        const { anonymous } = engine.fixture;
        const res = engine.anonymous!;
        assert.equal(
          res.status,
          anonymous.status,
          `${anonymous.method} ${anonymous.path}: ${JSON.stringify(res.body)}`,
        );
        assert.equal(engine.fixture.envelope(res, anonymous.path), undefined);
      });

      it("answers another user's object as its README documents", () => {
        const { response, status, documented } = engine.foreign!;
        assert.equal(response.status, status, `${documented}: ${JSON.stringify(response.body)}`);
      });

      it('exercises every plaintext route, and each 2xx of one wrote a read entry of the engine', () => {
        const hit = new Set(
          mine()
            .filter((x) => x.route && ok(x))
            .map((x) => routeKey(x.route!)),
        );
        const unexercised = outcome.routes
          .filter((r) => r.engine === name && r.rules.returnsPlaintext && !hit.has(routeKey(r)))
          .map(routeKey);
        assert.deepEqual(
          unexercised,
          [],
          `plaintext routes test/contract/fixtures/${name}.ts does not call with a 2xx answer`,
        );
        const declared = new Set(Object.values(manifest.auditEvents));
        const problems: string[] = [];
        for (const x of mine().filter((x) => ok(x) && x.rules?.returnsPlaintext)) {
          const entries = (outcome.audit.get(x.requestId) ?? []).filter((e) => e.engine === name);
          // A change that answers with the plaintext it was sent (NetBox echoes a written secret) reveals nothing the
          // caller did not hold: its change entry is the record. Any other plaintext answer needs a read entry.
          const recorded = (e: { action: string }) =>
            declared.has(e.action) && (e.action.endsWith('.read') || x.rules?.changesData === true);
          const reads = entries.filter(recorded);
          if (!reads.length)
            problems.push(
              `${x.method} ${x.path}: ${entries.length ? entries.map((e) => e.action).join(', ') : 'no entry'}`,
            );
        }
        assert.deepEqual(
          problems,
          [],
          'plaintext answers without a read entry (a plaintext route must reveal something in the fixture)',
        );
      });

      it('wrote a change entry of the engine for every change, under an action its manifest declares', () => {
        const changes = mine().filter(
          (x) => x.change || (x.rules?.changesData && ok(x) && !x.response.headers.has('idempotent-replayed')),
        );
        assert.ok(changes.length > 0, `test/contract/fixtures/${name}.ts marks no change (run.changed)`);
        const problems: string[] = [];
        for (const x of changes) {
          if (!ok(x))
            problems.push(
              `${x.method} ${x.path}: ${x.response.status} ${JSON.stringify(x.response.body).slice(0, 200)}`,
            );
          else if (!(outcome.audit.get(x.requestId) ?? []).some((e) => e.engine === name))
            problems.push(`${x.method} ${x.path}: no audit entry of ${name}`);
        }
        assert.deepEqual(problems, [], 'changes without an audit entry');
        const declared = new Set(Object.values(manifest.auditEvents));
        const undeclared = [
          ...new Set(outcome.actions.filter((e) => e.engine === name && !declared.has(e.action)).map((e) => e.action)),
        ];
        assert.deepEqual(undeclared, [], `audit actions ${name}'s events.ts does not declare`);
      });

      it('renders every 4xx the suite saw in its envelope', () => {
        // HEAD answers carry no body.
        const errors = mine().filter((x) => x.method !== 'HEAD' && x.response.status >= 400 && x.response.status < 500);
        assert.ok(errors.length > 0);
        const problems = errors.flatMap((x) => {
          const problem = engine.fixture.envelope(x.response, x.path.split('?')[0]!);
          return problem ? [`${x.method} ${x.path} ${x.response.status}: ${problem}`] : [];
        });
        assert.deepEqual(problems, []);
      });

      it('documents each exercised route with a response schema for its success status', () => {
        const problems: string[] = [];
        const checked = new Set<string>();
        for (const x of mine().filter((x) => ok(x) && x.route && x.method !== 'HEAD')) {
          const route = x.route!;
          const status = String(x.response.status);
          const key = `${route.method} ${route.url} ${status}`;
          if (checked.has(key)) continue;
          checked.add(key);
          if (route.hidden) {
            // An alias of a documented route (test/http/openapi.test.ts checks that): its own schema answers.
            const schema = route.responses?.[status] ?? route.responses?.['2xx'];
            if (status !== '204' && isEmptySchema(schema))
              problems.push(`${key}: hidden, and no response schema of its own`);
            continue;
          }
          const op = outcome.openapi.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
          if (!op) {
            problems.push(`${key}: not in the document`);
            continue;
          }
          const response = op.responses[status] ?? op.responses['2XX'];
          if (!response)
            problems.push(`${key}: the document has no ${status} answer (${Object.keys(op.responses).join(', ')})`);
          else if (status !== '204' && Object.values(response.content ?? {}).every((c) => isEmptySchema(c.schema)))
            problems.push(`${key}: no schema`);
        }
        assert.deepEqual(problems, []);
      });
    });
  }

  it('leaves no plaintext a fixture wrote in the database files or the trace-level log', () => {
    assert.ok(outcome.logLines > 100, 'the server logged (at trace level) while the fixtures ran');
    assert.ok(outcome.storeSeen, 'the searched database holds the names the fixtures gave in the clear');
    assert.deepEqual(outcome.leaks, []);
  });
});
