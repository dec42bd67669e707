// Fills a Hush data dir to the sizes of issue 18: Phase secrets through Hush's own HTTP write path (bulk creates,
// encrypted and audited as a client's would be), list values and audit entries through Hush's store layer (the core's
// sealed version tables, the lists repo, the audit log's append) in an in-process core on the same database.
import { systemActor } from '../../src/core/audit/log.js';
import { loadConfig } from '../../src/core/config.js';
import { newUuid, nowIso } from '../../src/core/ids.js';
import { createCore } from '../../src/core/index.js';
import type { MigrationSet } from '../../src/core/store/migrate.js';
import { allEngines } from '../../src/engines/index.js';
import { createListsRepo, type ValueKey } from '../../src/engines/lists/repo.js';
import type { ListsTables } from '../../src/engines/lists/tables.js';
import type { Kysely } from 'kysely';
import { phaseSecrets } from '../phase-data.js';

const PHASE_BATCH = 1000;
/** Secrets per Phase environment: a million in one environment is not how anyone uses Phase. */
const PHASE_PER_APP = 20_000;
const LIST_VALUES_PER_LIST = 1000;
const LIST_BATCH = 1000;
const AUDIT_BATCH = 5000;

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function apiOf(baseUrl: string, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** `count` Phase secrets in apps of 20,000 (development env), plus the 100-secret environment the listing reads. */
export async function fillPhase(api: Api, count: number, progress: (t: string) => void): Promise<{ listPath: string }> {
  const app = async (name: string) => ((await api('POST', '/v1/apps/', { name })) as { id: string }).id;
  const secretsOf = (appId: string) => `/v1/secrets/?app_id=${encodeURIComponent(appId)}&env=development`;
  const listPath = secretsOf(await app('scale-listing-100'));
  await api('POST', listPath, { secrets: phaseSecrets(100, '/', true) });
  let path = '';
  for (let done = 0, batch = 0; done < count; batch++) {
    if (done % PHASE_PER_APP === 0) path = secretsOf(await app(`scale-fill-${done / PHASE_PER_APP}`));
    const n = Math.min(PHASE_BATCH, count - done, PHASE_PER_APP - (done % PHASE_PER_APP));
    await api('POST', path, { secrets: phaseSecrets(n, `/b${batch}`) });
    done += n;
    if (batch % 50 === 0) progress(`phase: ${done} of ${count} secrets`);
  }
  return { listPath };
}

export interface StoreFill {
  /** The order key of the value just before the last page of 1,000 (the last page's `after`). */
  lastPageAfter: ValueKey;
  listValues: number;
  /** Times inside the audit fill (at 40 % and 60 %), for a time-range query of about a fifth of the entries. */
  auditWindow: { since: string; until: string };
  sampleObject: string;
}

/** List values and audit entries, written by an in-process core on the server's (stopped) database. */
export async function fillStore(
  dataDir: string,
  sizes: { listValues: number; auditEntries: number },
  progress: (t: string) => void,
): Promise<StoreFill> {
  const engines = allEngines();
  const migrations = engines.map((e) => e.migrations).filter((m): m is MigrationSet => m !== undefined);
  const core = await createCore(loadConfig({ dataDir }, {}), migrations, { create: false });
  try {
    const db = core.db as unknown as Kysely<ListsTables>;
    const repo = createListsRepo(db);
    const versions = core.versions.table<{ secret_key: string; secret_value: string }>({
      table: 'lists_value_versions',
      ownerColumn: 'value_id',
    });
    let listId = 0;
    for (let done = 0; done < sizes.listValues;) {
      if (done % LIST_VALUES_PER_LIST === 0)
        listId = await db
          .transaction()
          .execute((trx) => repo.insertList(`scale-${done / LIST_VALUES_PER_LIST}`, nowIso(), trx));
      const n = Math.min(LIST_BATCH, sizes.listValues - done, LIST_VALUES_PER_LIST - (done % LIST_VALUES_PER_LIST));
      // Sealed first, written after: no crypto inside the transaction (docs/architecture.md §12).
      const rows = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const id = newUuid();
          const content = { secret_key: `SCALE_${done + i}`, secret_value: `value-${done + i}-${'x'.repeat(40)}` };
          return { id, key: content.secret_key, ct: await versions.seal(id, 1, content) };
        }),
      );
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          await repo.insertValue({ id: r.id, list_id: listId, secret_key: r.key, created_at: now }, trx);
          await versions.append(trx, { owner: r.id, version: 1, contentCt: r.ct, createdAt: now, actorUserId: null });
        }
      });
      done += n;
      if (done % 50_000 < n) progress(`lists: ${done} of ${sizes.listValues} values`);
    }
    const last = await db
      .selectFrom('lists_values')
      .select(['list_id', 'created_at', 'id'])
      .orderBy('list_id', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(Math.min(1000, Math.max(0, sizes.listValues - 1)))
      .limit(1)
      .executeTakeFirstOrThrow();

    const window = { since: '', until: '' };
    const actions = ['secret.read', 'secret.create', 'secret.update', 'value.read', 'token.create'];
    const engineNames = ['phase', 'lists', 'netbox', 'passbolt', 'admin'];
    for (let done = 0; done < sizes.auditEntries;) {
      if (!window.since && done >= sizes.auditEntries * 0.4) window.since = nowIso();
      if (!window.until && done >= sizes.auditEntries * 0.6) window.until = nowIso();
      const n = Math.min(AUDIT_BATCH, sizes.auditEntries - done);
      const events = Array.from({ length: n }, (_, i) => {
        const k = done + i;
        // One entry in fifty is a listing naming 100 objects (readOfMany), as Phase and lists reads write.
        const many = k % 50 === 0 ? { objects: Array.from({ length: 100 }, (_, j) => `obj-${(k + j) % 200_000}`) } : {};
        return {
          engine: engineNames[k % engineNames.length]!,
          action: actions[k % actions.length]!,
          objectType: `${engineNames[k % engineNames.length]}.secret`,
          objectId: `obj-${k % 200_000}`,
          details: many,
        };
      });
      const actor = {
        ...systemActor,
        userId: 1000 + ((done / AUDIT_BATCH) % 50),
        username: `user${(done / AUDIT_BATCH) % 50}`,
      };
      await core.db.transaction().execute((trx) => core.audit.appendWithin(trx, actor, events));
      done += n;
      if (done % 200_000 < n) progress(`audit: ${done} of ${sizes.auditEntries} entries`);
    }
    window.since ||= nowIso();
    window.until ||= nowIso();
    return { lastPageAfter: last, listValues: sizes.listValues, auditWindow: window, sampleObject: 'obj-12345' };
  } finally {
    await core.close();
  }
}
