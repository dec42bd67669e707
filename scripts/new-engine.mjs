#!/usr/bin/env node
// Creates a new engine's skeleton with the files every engine has (docs/architecture.md §5), so the shape of an engine
// never depends on memory. Usage: node scripts/new-engine.mjs <name> </url/prefix/> [<table prefix>]
import fs from 'node:fs';
import path from 'node:path';

const [name, prefix, tablePrefix = `${name}_`] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9]*$/.test(name) || !prefix?.startsWith('/')) {
  console.error('usage: node scripts/new-engine.mjs <name: lower-case letters/digits> </url/prefix/> [table prefix]');
  process.exit(1);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.join(root, 'src', 'engines', name);
if (fs.existsSync(dir)) {
  console.error(`src/engines/${name} exists already`);
  process.exit(1);
}
const Name = name[0].toUpperCase() + name.slice(1);
const files = {
  'index.ts': `import type { EngineManifest } from '../../core/ports.js';
import { render${Name}Error } from './errors.js';
import { ${name}Migrations } from './migrations/index.js';
import { ${name}Routes } from './routes.js';

/** The ${name} engine: see README.md for what it speaks. */
export const ${name}Engine: EngineManifest = {
  name: '${name}',
  prefixes: ['${prefix}'],
  migrations: ${name}Migrations,
  routes: ${name}Routes,
  renderError: render${Name}Error,
};
`,
  'routes.ts': `import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EngineContext } from '../../core/ports.js';
import { create${Name}Service } from './service.js';

export function ${name}Routes(ctx: EngineContext): FastifyPluginAsyncTypebox {
  const service = create${Name}Service(ctx);
  void service;
  return async (_app) => {
    // app.get('${prefix}…', { config: { hush: { access: … } }, schema: { … } }, handler)
  };
}
`,
  'schema.ts': `import { Type } from '../../http/schemas.js';

/** Request and response schemas of the ${name} engine. */
export const Placeholder = Type.Object({});
`,
  'service.ts': `import type { EngineContext } from '../../core/ports.js';
import { create${Name}Repo } from './repo.js';

/** The ${name} engine's rules; HTTP-free. */
export function create${Name}Service(ctx: EngineContext) {
  const repo = create${Name}Repo(ctx);
  return { repo };
}
`,
  'repo.ts': `import type { Kysely } from 'kysely';
import type { EngineContext } from '../../core/ports.js';
import type { ${Name}Tables } from './tables.js';

/** Queries on ${tablePrefix}* tables only. */
export function create${Name}Repo(ctx: EngineContext) {
  const db = ctx.db as Kysely<${Name}Tables>;
  return { db };
}
`,
  'tables.ts': `/** Table interfaces of the ${name} engine (${tablePrefix}*). */
export interface ${Name}Tables {}
`,
  'serializers.ts': `/** Rows → wire JSON. Every quirk of the original lives here, with a comment citing its source. */
export {};
`,
  'errors.ts': `import type { FastifyRequest } from 'fastify';
import { defaultStatus, type HushError } from '../../core/errors.js';

/** The ${name} wire envelope for errors; exact client-matched strings are named constants here. */
export function render${Name}Error(error: HushError, _request: FastifyRequest) {
  return { status: defaultStatus[error.kind], body: { error: error.message } };
}
`,
  'migrations/index.ts': `import type { MigrationSet } from '../../../core/ports.js';

export const ${name}Migrations: MigrationSet = { module: '${name}', migrations: [] };
`,
  'README.md': `# ${name} engine

What it speaks, the upstream version, the quirks reproduced (with sources) and the known gaps.
`,
};
for (const [file, text] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}
console.log(`created src/engines/${name}/; add it to src/engines/index.ts`);
