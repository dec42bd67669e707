import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { encryptFor, generateKeyPair } from '../engines/passbolt/helpers.js';
import { forEachDialect } from '../helpers/dialects.js';
import { countFrom, prng, seedFrom, type Prng } from '../helpers/prng.js';
import { userWithGrants } from '../helpers/users.js';
import { passboltProblems, phaseProblems } from './consistency.js';
import { CrashTarget, sleep } from './harness.js';

/**
 * kill -9 of a real `hush serve` in the middle of a large write, on SQLite and PostgreSQL: a 1,000-secret Phase batch,
 * a 5,000-key `hush import` (updating every key) and a Passbolt share with many users. Each scenario runs once
 * uninterrupted (which times it), then HUSH_CRASH_TRIALS times (default 2) with a kill at a seeded random moment
 * between sending and a little after the time an uninterrupted run takes. After every kill the server is started
 * again on the same data, and: the write is all there or not at all (all there when it was acknowledged),
 * `hush admin audit verify` passes, and the audit log and the data match entry for change. HUSH_CRASH_SEED replays.
 */
const SEED = seedFrom('HUSH_CRASH_SEED');
const TRIALS = countFrom('HUSH_CRASH_TRIALS', 2);
const BATCH = 1000;
const IMPORT_KEYS = 5000;
const SHARE_USERS = 40;

// Generated once for both dialects: OpenPGP keys take a while to make.
const passboltKeys = Promise.all(Array.from({ length: SHARE_USERS + 1 }, (_, i) => generateKeyPair(`crash${i}`)));

interface Outcome {
  acknowledged: boolean;
  /** How long the write took, when it was not interrupted. */
  tookMs: number;
  /** Whether the write was found stored after the restart (set by the scenario). */
  applied?: boolean;
}

/** Starts `write`, kills the server `delayMs` later (or lets it finish when undefined), restarts it, returns whether the write was acknowledged. */
async function crashDuring(
  target: CrashTarget,
  delayMs: number | undefined,
  write: () => Promise<boolean>,
): Promise<Outcome> {
  const started = Date.now();
  if (delayMs === undefined) return { acknowledged: await write(), tookMs: Date.now() - started };
  // A write cut off by the kill fails (connection reset): that is "not acknowledged", not an error of the test.
  const pending = write().catch(() => false);
  await sleep(delayMs);
  await target.kill();
  const acknowledged = await pending;
  await target.start();
  return { acknowledged, tookMs: NaN };
}

const labelOf = (what: string, trial: number, delay: number | undefined, acknowledged: boolean) =>
  `${what} trial ${trial} (${delay === undefined ? 'no kill' : `kill after ${delay} ms`}, ${acknowledged ? 'acknowledged' : 'not acknowledged'})`;

/** After each kill: the chain verifies and the audit log matches the data. */
async function checkAudit(target: CrashTarget, label: string): Promise<void> {
  const verify = await target.verifyAudit();
  assert.equal(verify.status, 0, `${label}: hush admin audit verify failed: ${verify.output}`);
  const db = await target.inspector();
  try {
    assert.deepEqual(
      [...(await phaseProblems(db)), ...(await passboltProblems(db))],
      [],
      `${label}: audit log and data disagree`,
    );
  } finally {
    await db.close();
  }
}

/** Runs the calibration and the killed trials of one scenario, logging each kill point so a failure can be replayed. */
async function trials(
  name: string,
  r: Prng,
  run: (trial: number, delayMs: number | undefined) => Promise<Outcome>,
): Promise<void> {
  const { tookMs } = await run(0, undefined);
  // Kills land anywhere from just after sending to just after an uninterrupted write would have been answered.
  const window = Math.max(50, tookMs * 1.25);
  const kills: string[] = [];
  for (let trial = 1; trial <= TRIALS; trial++) {
    const delay = Math.floor(r.next() * window);
    const { acknowledged, applied } = await run(trial, delay);
    kills.push(`${delay} ms (${acknowledged ? 'acknowledged' : applied ? 'applied, answer lost' : 'not applied'})`);
  }
  process.stdout.write(
    `crash ${name}: seed ${SEED} (HUSH_CRASH_SEED), uninterrupted write ${tookMs} ms, kills after ${kills.join(', ')}\n`,
  );
}

forEachDialect('crash', (dialect) => {
  let target: CrashTarget;
  let appId: string;
  const r = prng(SEED).fork(dialect.name === 'sqlite' ? 1 : 2);
  before(async () => {
    target = new CrashTarget(dialect.databaseUrl);
    await target.start();
    appId = (await target.api('POST', '/v1/apps/', { name: 'crash' })).body.id;
  });
  after(() => target.close());

  it(`a ${BATCH}-secret Phase batch is stored whole or not at all`, async () => {
    await trials(`${dialect.name} phase batch`, r.fork(1), async (trial, delay) => {
      const env = await target.api('POST', `/v1/environments/?app_id=${appId}`, { name: `batch-${trial}` });
      assert.equal(env.status, 201, JSON.stringify(env.body));
      const at = `/v1/secrets/?app_id=${appId}&env=batch-${trial}`;
      const secrets = Array.from({ length: BATCH }, (_, i) => ({
        key: `K${String(i).padStart(4, '0')}`,
        value: `batch-${trial}-${i}`,
      }));
      const url = target.url;
      const outcome = await crashDuring(target, delay, async () => {
        const res = await fetch(url + at, {
          method: 'POST',
          headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ secrets }),
        });
        await res.arrayBuffer();
        return res.status === 200;
      });
      const { acknowledged } = outcome;
      const stored = (await target.api('GET', at)).body as { key: string; value: string }[];
      const label = labelOf('batch', trial, delay, acknowledged);
      assert.ok(
        stored.length === 0 || stored.length === BATCH,
        `${label}: ${stored.length} of ${BATCH} secrets stored`,
      );
      if (acknowledged) assert.equal(stored.length, BATCH, `${label}: an acknowledged batch is missing`);
      const byKey = new Map(stored.map((s) => [s.key, s.value]));
      for (const s of stored.length ? secrets : []) assert.equal(byKey.get(s.key), s.value, `${label}: ${s.key}`);
      if (delay !== undefined) await checkAudit(target, label);
      return { ...outcome, applied: stored.length === BATCH };
    });
  });

  it(`a ${IMPORT_KEYS}-key hush import updates every key or none`, async () => {
    const file = path.join(target.dir, 'import.env');
    let current = '';
    await trials(`${dialect.name} import`, r.fork(2), async (trial, delay) => {
      const value = `import-${trial}`;
      fs.writeFileSync(
        file,
        Array.from({ length: IMPORT_KEYS }, (_, i) => `KEY_${String(i).padStart(5, '0')}=${value}-${i}\n`).join(''),
      );
      let cli = '';
      const outcome = await crashDuring(target, delay, async () => {
        const run = await target.cli(['import', file, '--app', 'crash', '--env', 'development']).done;
        cli = run.stdout + run.stderr;
        return run.status === 0;
      });
      const { acknowledged } = outcome;
      if (delay === undefined) assert.ok(acknowledged, `the uninterrupted import failed: ${cli}`);
      const stored = (await target.api('GET', `/v1/secrets/?app_id=${appId}&env=development`)).body as {
        key: string;
        value: string;
      }[];
      const label = labelOf('import', trial, delay, acknowledged);
      const generations = new Set(stored.map((s) => s.value.replace(/-\d+$/, '')));
      if (trial === 0) assert.deepEqual([stored.length, [...generations]], [IMPORT_KEYS, [value]], label);
      assert.equal(stored.length, IMPORT_KEYS, `${label}: keys appeared or vanished`);
      assert.equal(generations.size, 1, `${label}: a mix of ${[...generations].join(', ')}`);
      const now = [...generations][0]!;
      assert.ok(now === value || now === current, `${label}: values from ${now}`);
      if (acknowledged) assert.equal(now, value, `${label}: an acknowledged import is missing`);
      current = now;
      if (delay !== undefined) await checkAudit(target, label);
      return { ...outcome, applied: now === value };
    });
  });

  it(`a Passbolt share with ${SHARE_USERS} users is applied whole or not at all`, async () => {
    const keys = await passboltKeys;
    const users: { id: string; token: string; publicKey: string }[] = [];
    for (const [i, pair] of keys.entries()) {
      const { token } = await userWithGrants((m, p, b) => target.api(m, p, b), `crash${i}`);
      const key = await target.api('POST', '/gpgkeys.json', { armored_key: pair.publicKey }, token);
      assert.equal(key.status, 200, JSON.stringify(key.body));
      users.push({ id: key.body.body.user_id, token, publicKey: pair.publicKey });
    }
    const [owner, ...recipients] = users as [(typeof users)[0], ...typeof users];
    await trials(`${dialect.name} passbolt share`, r.fork(3), async (trial, delay) => {
      const password = `share-${trial}`;
      const created = await target.api(
        'POST',
        '/resources.json',
        { name: `shared-${trial}`, secrets: [{ data: await encryptFor(password, owner.publicKey) }] },
        owner.token,
      );
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const id = created.body.body.id as string;
      const body = {
        permissions: recipients.map((u) => ({ aro: 'User', aro_foreign_key: u.id, type: 1 })),
        secrets: await Promise.all(
          recipients.map(async (u) => ({ user_id: u.id, data: await encryptFor(password, u.publicKey) })),
        ),
      };
      const url = target.url;
      const outcome = await crashDuring(target, delay, async () => {
        const res = await fetch(`${url}/share/resource/${id}.json`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return res.status === 200;
      });
      const { acknowledged } = outcome;
      const label = labelOf('share', trial, delay, acknowledged);
      const permissions = (await target.api('GET', `/permissions/resource/${id}.json`, undefined, owner.token)).body
        .body as unknown[];
      assert.ok(
        permissions.length === 1 || permissions.length === SHARE_USERS + 1,
        `${label}: ${permissions.length - 1} of ${SHARE_USERS} users added`,
      );
      if (acknowledged) assert.equal(permissions.length, SHARE_USERS + 1, `${label}: an acknowledged share is missing`);
      const copy = await target.api('GET', `/secrets/resource/${id}.json`, undefined, recipients.at(-1)!.token);
      assert.equal(copy.status, permissions.length > 1 ? 200 : 404, `${label}: the last recipient's copy`);
      if (delay !== undefined) await checkAudit(target, label);
      return { ...outcome, applied: permissions.length > 1 };
    });
  });
});
