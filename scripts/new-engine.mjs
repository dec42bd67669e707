#!/usr/bin/env node
// Creates a new engine with the files every engine has (docs/architecture.md §5), on the contract the core enforces
// (src/core/ports.ts): a manifest whose create(ctx) builds the services once, routes that declare access and
// changesData, declared audit actions and object types, its own tables and migrations, its error envelope, a test
// and a contract fixture (test/contract/). The engine it writes boots, passes the contract suite and its own test.
//
// Usage: node scripts/new-engine.mjs <name> </url/prefix/> [<table prefix>]
//   e.g. node scripts/new-engine.mjs vault /api/vault/
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, prefix, tablePrefix = `${name}_`] = process.argv.slice(2);
if (
  !name ||
  !/^[a-z][a-z0-9]*$/.test(name) ||
  !prefix ||
  !/^\/([a-z0-9-]+\/)+$/.test(prefix) ||
  !/^[a-z][a-z0-9]*_$/.test(tablePrefix)
) {
  console.error(
    'usage: node scripts/new-engine.mjs <name: lower-case letters/digits> </url/prefix/: lower-case segments, each ending in /> [table prefix: letters/digits then _]',
  );
  process.exit(1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'src', 'engines', name);
if (fs.existsSync(dir)) {
  console.error(`src/engines/${name} exists already`);
  process.exit(1);
}

const C = name[0].toUpperCase() + name.slice(1);
const things = `${tablePrefix}things`;
const object = `${name}.thing`;
const url = `${prefix}things/`;

const engineFiles = {
  'index.ts': `import type { EngineManifest } from '../../core/ports.js';
import { render${C}Error } from './errors.js';
import { ${C}Audit } from './events.js';
import { ${name}Migrations } from './migrations/index.js';
import { ${name}ObjectTypes } from './permissions.js';
import { ${C.toUpperCase()}_PREFIXES, ${name}Routes } from './routes/index.js';
import { createThingService } from './service/things.js';
import type { ${C}Tables } from './tables.js';

/** The ${name} engine: see README.md for what it speaks. */
export const ${name}Engine: EngineManifest<${C}Tables> = {
  name: '${name}',
  prefixes: ${C.toUpperCase()}_PREFIXES,
  migrations: ${name}Migrations,
  objectTypes: ${name}ObjectTypes,
  auditEvents: ${C}Audit,
  create(ctx) {
    // Runs once per server: services are built here and handed to the routes, never per request.
    const things = createThingService(ctx);
    return { routes: ${name}Routes(things), renderError: render${C}Error };
  },
};
`,
  'permissions.ts': `import { CRUD, type ObjectTypeSpec } from '../../core/ports.js';

/** The object type grants name for this engine's things (\`"object_types": ["${object}"]\`). */
export const ThingObject = '${object}';

/** Every object type and action the engine checks: the server refuses a route rule or a grant naming another. */
export const ${name}ObjectTypes: readonly ObjectTypeSpec[] = [
  { name: ThingObject, actions: CRUD, description: '${name} things (view: read any thing and its value; add: create things)', objectId: 'a thing id' },
];
`,
  'events.ts': `import { defineAuditEvents } from '../../core/ports.js';

/**
 * Every audit action the engine writes (docs/audit.md §1): \`<object>.<verb>\`, snake_case, a verb of AUDIT_VERBS
 * (src/core/audit/events.ts); the engine's name is its own column. The core refuses an action not listed here, and
 * test/contract/audit-events.snapshot.json pins the names: SIEM rules match on them.
 */
export const ${C}Audit = defineAuditEvents({
  thingCreate: 'thing.create',
  /** A thing's value handed out. */
  thingRead: 'thing.read',
});
`,
  'errors.ts': `import type { FastifyRequest } from 'fastify';
import { defaultStatus, HushError } from '../../core/ports.js';

/** Strings clients match on, kept exactly. */
export const MSG = {
  thingNotFound: 'Thing not found.',
} as const;

export const thingNotFound = () => new HushError('not_found', MSG.thingNotFound);

/** The engine's error envelope: \`{"error": {"code", "message", "field"?}}\`, \`code\` being the error kind. */
export function render${C}Error(error: HushError, _request: FastifyRequest) {
  const body = { code: error.kind, message: error.message, ...(error.field ? { field: error.field } : {}) };
  const headers = error.kind === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer' } : undefined;
  return { status: defaultStatus[error.kind], body: { error: body }, ...(headers ? { headers } : {}) };
}
`,
  'tables.ts': `/** Table interfaces of the ${name} engine: its own tables only, all named ${tablePrefix}* (docs/architecture.md §6). */
export interface ${C}ThingsTable {
  id: string;
  name: string;
  owner_user_id: number;
  /** The value, sealed by the keyring at (id, 'value'): only the keyring holds key material. */
  value_ct: string;
  created_at: string;
}

export interface ${C}Tables {
  ${things}: ${C}ThingsTable;
}
`,
  'repo.ts': `import type { Selectable } from 'kysely';
import type { Db } from '../../core/ports.js';
import type { ${C}Tables, ${C}ThingsTable } from './tables.js';

export type ThingRow = Selectable<${C}ThingsTable>;

/** Queries on ${tablePrefix}* tables. Each takes the handle to run on: the store, or the transaction of a change. */
export const thingsRepo = {
  insert: (db: Db<${C}Tables>, row: ThingRow) => db.insertInto('${things}').values(row).execute(),

  get: (db: Db<${C}Tables>, id: string) => db.selectFrom('${things}').selectAll().where('id', '=', id).executeTakeFirst(),

  /** The caller's own things, and those \`scope\` (the ids of object-scoped grants, or 'all') lets them see. */
  list(db: Db<${C}Tables>, ownerId: number, scope: 'all' | readonly string[]) {
    let query = db.selectFrom('${things}').selectAll();
    if (scope !== 'all') query = query.where((eb) => eb.or([eb('owner_user_id', '=', ownerId), ...(scope.length ? [eb('id', 'in', [...scope])] : [])]));
    return query.orderBy('created_at').orderBy('id').execute();
  },
};
`,
  'service/things.ts': `import { newUuid, nowIso, type AuditActor, type AuditEvent, type Caller, type EngineContext } from '../../../core/ports.js';
import { thingNotFound } from '../errors.js';
import { ${C}Audit } from '../events.js';
import { ThingObject } from '../permissions.js';
import { thingsRepo, type ThingRow } from '../repo.js';
import type { ThingInput } from '../schema.js';
import type { ${C}Tables } from '../tables.js';

/** The engine's rules about things; HTTP-free. */
export function createThingService(ctx: EngineContext<${C}Tables>) {
  const db = ctx.store();
  const cipher = ctx.keyring.cipher('${things}');
  const valueAt = (id: string) => ({ row: id, column: 'value' });

  const visible = async (caller: Caller, row: ThingRow) => row.owner_user_id === caller.user.id || ctx.permissions.can(caller, 'view', ThingObject, row.id);

  return {
    async list(caller: Caller): Promise<ThingRow[]> {
      return thingsRepo.list(db, caller.user.id, await ctx.permissions.scope(caller, 'view', ThingObject));
    },

    async create(caller: Caller, actor: AuditActor, input: ThingInput): Promise<ThingRow> {
      const id = newUuid();
      // Crypto first, then a short write transaction holding the row and its audit entry (docs/architecture.md §12).
      const row: ThingRow = { id, name: input.name, owner_user_id: caller.user.id, value_ct: await cipher.seal(input.value, valueAt(id)), created_at: nowIso() };
      await db.transaction().execute(async (trx) => {
        await thingsRepo.insert(trx, row);
        await ctx.audit.appendWithin(trx, actor, [{ action: ${C}Audit.thingCreate, objectType: ThingObject, objectId: id }]);
      });
      return row;
    },

    /** A thing with its value opened; the reveal goes into \`reads\`, which the route records before answering. */
    async read(caller: Caller, id: string, reads: AuditEvent[]): Promise<{ row: ThingRow; value: string }> {
      const row = await thingsRepo.get(db, id);
      // Another user's thing is answered as one that does not exist: its existence is not revealed either.
      if (!row || !(await visible(caller, row))) throw thingNotFound();
      const value = await cipher.openText(row.value_ct, valueAt(row.id));
      reads.push({ engine: ctx.name, action: ${C}Audit.thingRead, objectType: ThingObject, objectId: row.id });
      return { row, value };
    },
  };
}

export type ThingService = ReturnType<typeof createThingService>;
`,
  'schema.ts': `import { Type, type Static } from '../../http/schemas.js';

/** Request and response schemas: bounded, so no field accepts unbounded input. */
export const ThingIn = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 65536 }) }, { additionalProperties: false });
export type ThingInput = Static<typeof ThingIn>;

export const ThingParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const thingFields = {
  id: Type.String(),
  name: Type.String(),
  owner: Type.Integer({ description: 'The id of the user who created it' }),
  created_at: Type.String({ format: 'date-time' }),
};
export const ThingOut = Type.Object(thingFields);
export const ThingWithValueOut = Type.Object({ ...thingFields, value: Type.String() });

/** The envelope of errors.ts, for the OpenAPI document. */
export const ErrorOut = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
`,
  'serializers.ts': `import type { ThingRow } from './repo.js';

/** Rows → wire JSON. No value leaves through here: only the read route adds it, after recording the reveal. */
export const thingJson = (row: ThingRow) => ({ id: row.id, name: row.name, owner: row.owner_user_id, created_at: row.created_at });
`,
  'routes/index.ts': `import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { documentRoutes } from '../../../http/docs.js';
import { ErrorOut } from '../schema.js';
import type { ThingService } from '../service/things.js';
import { thingRoutes } from './things.js';

/** Where the engine answers: the server refuses a route outside these, and renders unrouted paths under them with render${C}Error. */
export const ${C.toUpperCase()}_PREFIXES = ['${prefix}'] as const;

export function ${name}Routes(things: ThingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The OpenAPI document gives every route the engine's envelope as its 4xx and 5xx answer.
    documentRoutes(app, ErrorOut);
    await app.register(thingRoutes(things));
  };
}
`,
  'routes/things.ts': `import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditEvent } from '../../../core/ports.js';
import { auditActorOf, callerOf, recordPlaintextReads } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { ThingObject } from '../permissions.js';
import { ThingIn, ThingOut, ThingParams, ThingWithValueOut } from '../schema.js';
import { thingJson } from '../serializers.js';
import type { ThingService } from '../service/things.js';

const tags = ['${name}'];
/** Any caller with credentials; the service shows each only what they may see. */
const authenticated = { hush: { access: 'authenticated' } } as const;
/** The core checks \`add\` on ${object} (POST) before the handler runs; the change must reach the audit log. */
const creates = { hush: { access: { objectType: ThingObject }, changesData: true } } as const;
/** The answer carries plaintext: the handler records the reveal, the core writes it before the answer leaves. */
const reveals = { hush: { access: 'authenticated', returnsPlaintext: true } } as const;

export function thingRoutes(things: ThingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('${url}', { config: authenticated, schema: { operationId: '${name}_things_list', tags, response: { 200: Type.Array(ThingOut) } } }, async (request) =>
      (await things.list(callerOf(request))).map(thingJson),
    );

    app.post('${url}', { config: creates, schema: { operationId: '${name}_things_create', tags, body: ThingIn, response: { 201: ThingOut } } }, async (request, reply) => {
      const row = await things.create(callerOf(request), auditActorOf(request), request.body);
      return reply.status(201).send(thingJson(row));
    });

    app.get('${url}:id/', { config: reveals, schema: { operationId: '${name}_things_read', tags, params: ThingParams, response: { 200: ThingWithValueOut } } }, async (request) => {
      const reads: AuditEvent[] = [];
      const { row, value } = await things.read(callerOf(request), request.params.id, reads);
      recordPlaintextReads(request, reads);
      return { ...thingJson(row), value };
    });
  };
}
`,
  'migrations/index.ts': `import type { MigrationSet } from '../../../core/ports.js';
import { ${name}Initial } from './0001_${name}.js';

/** The engine's schema steps, applied in order and recorded in its own history table; never edit a released one. */
export const ${name}Migrations: MigrationSet = { module: '${name}', migrations: [${name}Initial] };
`,
  [`migrations/0001_${name}.ts`]: `import type { Kysely } from 'kysely';
import type { HushMigration } from '../../../core/ports.js';

/** One set of DDL for both dialects: timestamps are ISO-8601 text (docs/architecture.md §11). */
export const ${name}Initial: HushMigration = {
  name: '0001_${name}',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('${things}')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'integer', (c) => c.notNull())
      .addColumn('value_ct', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('${things}_owner').on('${things}').columns(['owner_user_id', 'created_at']).execute();
  },
};
`,
  'README.md': `# ${name} engine

What it speaks (the upstream product and version, and its wire notes in docs/wire/), the quirks reproduced with
their sources, where Hush differs, and the known gaps. Written by \`scripts/new-engine.mjs\`: replace the things
below with the engine's real resources.

| path | access | notes |
|---|---|---|
| \`GET ${url}\` | authenticated | the caller's own things, and those a \`${object}\` view grant names |
| \`POST ${url}\` | \`${object}\` add | \`{"name", "value"}\`; 201 without the value |
| \`GET ${url}{id}/\` | authenticated | with the value; another user's thing is 404, as one that does not exist |

Errors: \`{"error": {"code", "message", "field"?}}\` (\`errors.ts\`), 401 without credentials.

Storage: \`${things}\`, the value sealed by the keyring at (id, \`value\`).

Audit actions (\`events.ts\`): \`thing.create\`, \`thing.read\` (engine \`${name}\`).
`,
};

const testFiles = {
  [`test/engines/${name}/helpers.ts`]: `import type { RunningHush } from '../../helpers/server.js';

/** A user with a token (and grants on ${object}, if any); returns the token. */
export async function userWithThingGrants(hush: RunningHush, username: string, grants: { actions: string[]; thingId?: string }[] = []): Promise<string> {
  const user = await hush.request('POST', '/api/users/users/', { body: { username } });
  if (user.status !== 201) throw new Error(\`user create failed: \${user.status} \${JSON.stringify(user.body)}\`);
  for (const [i, g] of grants.entries()) {
    const body = { name: \`\${username}-\${i}\`, object_types: ['${object}'], actions: g.actions, users: [user.body.id], ...(g.thingId ? { constraints: { id: g.thingId } } : {}) };
    const grant = await hush.request('POST', '/api/users/permissions/', { body });
    if (grant.status !== 201) throw new Error(\`grant failed: \${grant.status} \${JSON.stringify(grant.body)}\`);
  }
  return (await hush.request('POST', '/api/users/tokens/', { body: { user: user.body.id } })).body.key as string;
}
`,
  [`test/engines/${name}/things.test.ts`]: `import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithThingGrants } from './helpers.js';

forEachDialect('${name} things', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
  });
  after(() => hush.close());

  it('creates a thing, lists it without its value and reads it with its value, audited', async () => {
    const created = await hush.request('POST', '${url}', { body: { name: 'first', value: 's3cret' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.value, undefined);
    const list = await hush.request('GET', '${url}');
    assert.deepEqual(list.body.map((t: { name: string }) => t.name), ['first']);
    const read = await hush.request('GET', \`${url}\${created.body.id}/\`);
    assert.deepEqual([read.status, read.body.value], [200, 's3cret']);
    const log = await hush.request('GET', '/api/core/audit-log/?engine=${name}');
    assert.deepEqual(log.body.results.map((e: { action: string }) => e.action), ['thing.read', 'thing.create']);
  });

  it("answers another user's thing 404, and a grant on it lets them read it", async () => {
    const mine = await hush.request('POST', '${url}', { body: { name: 'mine', value: 'v' } });
    const token = await userWithThingGrants(hush, 'other');
    assert.equal((await hush.request('GET', \`${url}\${mine.body.id}/\`, { token })).status, 404);
    assert.deepEqual((await hush.request('GET', '${url}', { token })).body, []);
    assert.equal((await hush.request('POST', '${url}', { token, body: { name: 'x', value: 'v' } })).status, 403);
    const viewer = await userWithThingGrants(hush, 'viewer', [{ actions: ['view'], thingId: mine.body.id }]);
    assert.equal((await hush.request('GET', \`${url}\${mine.body.id}/\`, { token: viewer })).body.value, 'v');
  });

  it('refuses bad input with 400 in its envelope, and no credentials with 401', async () => {
    const bad = await hush.request('POST', '${url}', { body: { name: '' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid');
    const anonymous = await hush.request('GET', '${url}', { token: null });
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'unauthenticated']);
  });
});
`,
  [`test/contract/fixtures/${name}.ts`]: `import { randomBytes } from 'node:crypto';
import { userWithThingGrants } from '../../engines/${name}/helpers.js';
import type { ContractResponse, FixtureFactory } from '../fixture.js';

/** The ${name} engine's envelope: \`{"error": {"code", "message"}}\` (src/engines/${name}/errors.ts). */
function envelope({ body }: ContractResponse): string | undefined {
  const error = typeof body === 'object' && body !== null ? body.error : undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string' ? undefined : \`no {"error": {"code", "message"}}: \${JSON.stringify(body)}\`;
}

export const contractFixture: FixtureFactory = () => {
  let theirs = '';
  return {
    engine: '${name}',
    envelope,
    anonymous: { method: 'GET', path: '${url}', status: 401 },
    async exercise({ hush, plaintext, changed }) {
      const value = plaintext(\`contract-${name}-\${randomBytes(8).toString('hex')}\`);
      const created = await changed(hush.request('POST', '${url}', { body: { name: 'contract', value } }));
      await hush.request('GET', '${url}');
      await hush.request('GET', \`${url}\${created.body.id}/\`);
      // A refusal, for the envelope check.
      await hush.request('POST', '${url}', { body: { name: '' } });
      theirs = created.body.id;
    },
    async foreign({ hush }) {
      const token = await userWithThingGrants(hush, 'contract-${name}-other');
      const response = await hush.request('GET', \`${url}\${theirs}/\`, { token });
      return { response, status: 404, documented: "src/engines/${name}/README.md: another user's thing is 404" };
    },
  };
};
`,
};

for (const [file, text] of [
  ...Object.entries(engineFiles).map(([f, t]) => [path.join('src', 'engines', name, f), t]),
  ...Object.entries(testFiles),
]) {
  const target = path.join(root, file);
  if (fs.existsSync(target)) {
    console.error(`${file} exists already`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`created ${file}`);
}

// The one line per engine in src/engines/index.ts (and its import).
const indexFile = path.join(root, 'src', 'engines', 'index.ts');
const index = fs.readFileSync(indexFile, 'utf8');
const lastImport = [...index.matchAll(/^import .* from '\.\/[^']+';$/gm)].at(-1);
const lastPush = [...index.matchAll(/^(\s*)engines\.push\(.*\);$/gm)].at(-1);
if (lastImport && lastPush) {
  const importAt = lastImport.index + lastImport[0].length;
  const pushAt = lastPush.index + lastPush[0].length;
  fs.writeFileSync(
    indexFile,
    index.slice(0, importAt) +
      `\nimport { ${name}Engine } from './${name}/index.js';` +
      index.slice(importAt, pushAt) +
      `\n${lastPush[1]}engines.push(${name}Engine);` +
      index.slice(pushAt),
  );
  console.log('registered it in src/engines/index.ts');
} else {
  console.log(
    `add it to src/engines/index.ts by hand: import { ${name}Engine } from './${name}/index.js'; engines.push(${name}Engine);`,
  );
}
console.log(`
next:
  npm run build
  HUSH_UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs contract/audit-events   # the engine's audit names join the snapshot
  node scripts/run-tests.mjs contract/ engines/${name}/ http/openapi http/route-rules
then replace the things with the engine's real resources (README.md, section "Adding an engine").`);
