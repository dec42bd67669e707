import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { AuditTables } from '../../src/core/audit/tables.js';
import type { EngineManifest } from '../../src/core/ports.js';
import type { RouteTableEntry } from '../../src/http/route-table.js';
import { findPlaintext, postgresRows, sqliteBytes } from './at-rest.js';
import type { ContractFixture, ContractResponse, ContractRun } from './fixture.js';
import { tempDir } from '../helpers/server.js';
import { routeKey, startRecordedHush, type Exchange } from './recorder.js';

/** What one engine's fixture produced. */
export interface EngineOutcome {
  readonly fixture: ContractFixture;
  /** What `exercise` or `foreign` threw; the engine's checks fail with it. */
  error?: unknown;
  anonymous?: ContractResponse;
  foreign?: Awaited<ReturnType<ContractFixture['foreign']>>;
  readonly plaintexts: string[];
}

export interface ContractOutcome {
  readonly engines: Map<string, EngineOutcome>;
  readonly exchanges: readonly Exchange[];
  readonly routes: readonly RouteTableEntry[];
  /** Audit entries by request id. */
  readonly audit: Map<string, { engine: string; action: string }[]>;
  /** Every audit entry's engine and action. */
  readonly actions: readonly { engine: string; action: string }[];
  readonly openapi: {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>
    >;
  };
  /** Each registered plaintext found somewhere it must not be: `engine: where`. */
  readonly leaks: string[];
  /** How many log lines the run wrote (the search is over a log that saw the requests). */
  readonly logLines: number;
  /** Whether the searched data holds what the fixtures named in the clear (`contract-…`): the search saw the store. */
  readonly storeSeen: boolean;
}

const ok = (x: Exchange) => x.response.status >= 200 && x.response.status < 300;

/**
 * Starts one server, lets every fixture drive its engine, then gathers what the checks read: the recorded exchanges,
 * the audit log, the OpenAPI document, and where (if anywhere) a registered plaintext was found — in the database
 * (the SQLite files, WAL included, after the server closed; or every PostgreSQL row) or in the trace-level log.
 */
export async function runContract(
  manifests: EngineManifest[],
  fixtures: ContractFixture[],
  databaseUrl: string | undefined,
): Promise<ContractOutcome> {
  // Our own data directory: the helper removes the one it makes when the server closes, before the files are read.
  const dataDir = tempDir('hush-contract-');
  const recorded = await startRecordedHush(manifests, databaseUrl, dataDir).catch((e: unknown) => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const { hush, exchanges } = recorded;
  const engines = new Map<string, EngineOutcome>();
  let closed = false;
  try {
    for (const fixture of fixtures) {
      const outcome: EngineOutcome = { fixture, plaintexts: [] };
      engines.set(fixture.engine, outcome);
      const run: ContractRun = {
        hush,
        plaintext: (value) => {
          outcome.plaintexts.push(value);
          return value;
        },
        changed: async (pending) => {
          const response = await pending;
          const id = response.headers.get('x-request-id');
          const exchange = exchanges.findLast((x) => x.requestId === id);
          if (!exchange) throw new Error(`changed(): no recorded request ${id}; send it through run.hush`);
          exchange.change = true;
          return response;
        },
      };
      try {
        await fixture.exercise(run);
        const { method, path } = fixture.anonymous;
        outcome.anonymous = await hush.request(method, path, { token: null });
        outcome.foreign = await fixture.foreign(run);
      } catch (e) {
        outcome.error = e;
      }
    }
    // HEAD twins of plaintext GETs run the same handler: replay the last exercised GET of each.
    const replayed = new Set<string>();
    for (const x of [...exchanges].reverse()) {
      if (x.method !== 'GET' || !ok(x) || !x.rules?.returnsPlaintext || !x.route || replayed.has(x.route.url)) continue;
      replayed.add(x.route.url);
      await hush.request('HEAD', x.path, x.options);
    }

    const openapi = (await recorded.unrecorded('GET', '/api/docs/openapi.json', { token: null }))
      .body as ContractOutcome['openapi'];
    const db = hush.app.core.store.db as Kysely<AuditTables>;
    const rows = await db
      .selectFrom('core_audit_log')
      .select(['request_id', 'engine', 'action'])
      .orderBy('seq')
      .execute();
    const audit = new Map<string, { engine: string; action: string }[]>();
    for (const row of rows)
      if (row.request_id)
        audit.set(row.request_id, [...(audit.get(row.request_id) ?? []), { engine: row.engine, action: row.action }]);

    const secrets = [...engines.values()].flatMap((e) =>
      e.plaintexts.map((value) => ({ engine: e.fixture.engine, value })),
    );
    secrets.push({ engine: 'bootstrap', value: hush.token });
    const stored = databaseUrl ? await postgresRows(hush.app.core.store.db) : undefined;
    await hush.close();
    closed = true;
    const atRest = stored ?? sqliteBytes(dataDir);
    const log = Buffer.from(recorded.log.join(''));
    const leaks: string[] = [];
    for (const { engine, value } of secrets) {
      const where = [
        ['the database', findPlaintext(atRest, value)],
        ['the log', findPlaintext(log, value)],
      ].filter(([, how]) => how);
      for (const [place, how] of where) leaks.push(`${engine}: "${value.slice(0, 16)}…" is in ${place} ${how}`);
    }
    const storeSeen = atRest.includes('contract-');
    return {
      engines,
      exchanges,
      routes: recorded.routes,
      audit,
      actions: rows,
      openapi,
      leaks,
      logLines: recorded.log.length,
      storeSeen,
    };
  } finally {
    if (!closed) await hush.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export { ok, routeKey };
