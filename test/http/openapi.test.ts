import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { startHush, type RunningHush } from '../helpers/server.js';

type Doc = { paths: Record<string, Record<string, Operation>> };
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
type Schema = Record<string, unknown> & { type?: string; items?: Schema; properties?: Record<string, Schema> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'];

/** `/resources/:id.json` → `/resources/{id}.json`, as the document writes paths. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Routes served under another path than the one documented, each rule naming the documented path: Phase's other
 * mount prefixes (docs/wire/phase.md §2.0), Phase's liveness under /public/, the plugin 2.x get-session-key, and
 * trailing-slash twins.
 */
const ALIAS_RULES: ((path: string) => string)[] = [
  (p) => p.replace(/^\/(public|service|service\/public)\/v1\//, '/v1/'),
  (p) => p.replace(/^\/(public|service|service\/public)\/identities\//, '/identities/'),
  (p) => (p === '/public/' ? '/' : p),
  (p) => p.replace(/^\/api\/plugins\/secrets\/get-session-key\/$/, '/api/secrets/get-session-key/'),
  (p) => (p.endsWith('/') ? p : `${p}/`),
];

/** Served, but not operations: they answer a refusal whatever is sent (checked below), so they stay undocumented. */
const REFUSALS = [
  'PATCH /v1/secrets/',
  'PUT /api/plugins/secrets/session-key/',
  'PATCH /api/plugins/secrets/session-key/',
  // Phase features Hush does not have: 400 (or Phase's 403 without an environment) saying so.
  'GET /v1/secrets/dynamic/',
  'GET /v1/secrets/dynamic/leases/',
  'PUT /v1/secrets/dynamic/leases/',
  'DELETE /v1/secrets/dynamic/leases/',
  'POST /identities/external/v1/aws/iam/auth/',
  'POST /identities/external/v1/azure/entra/auth/',
];

const isEmpty = (s: Schema | undefined) => !s || Object.keys(s).every((k) => k === 'description' || k === 'title');

describe('the OpenAPI document', () => {
  let hush: RunningHush;
  let doc: Doc;
  const routes: RouteOptions[] = [];

  before(async () => {
    // Fastify announces each new instance here, before any route exists: the hook sees the whole route table.
    const channel = diagnostics.channel('fastify.initialization');
    const collect = (message: unknown) =>
      (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => void routes.push(route));
    channel.subscribe(collect);
    try {
      hush = await startHush();
    } finally {
      channel.unsubscribe(collect);
    }
    const res = await fetch(`${hush.url}/api/docs/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  after(() => hush.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => METHODS.includes(m))
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('is a valid OpenAPI 3.1 document', async () => {
    const checked = (await SwaggerParser.validate(structuredClone(doc) as never)) as unknown as { openapi: string };
    assert.equal(checked.openapi, '3.1.0');
  });

  it('names every operation once, without a numeric suffix', () => {
    const ids = operations().map(({ key, op }) => {
      assert.ok(op.operationId, `${key} has no operationId`);
      assert.match(op.operationId, /^[a-z][a-z0-9_]*[a-z]$/, `${key}: ${op.operationId}`);
      assert.ok(op.tags?.length, `${key} has no tag`);
      return op.operationId;
    });
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
  });

  it('lists every route, and hides only aliases of listed routes and refusals', () => {
    const documented = new Set(operations().map(({ key }) => key));
    const missing: string[] = [];
    const unexplained: string[] = [];
    for (const route of routes) {
      const path = openapiPath(route.url);
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || path.startsWith('/api/docs')) continue; // HEAD twins of GETs; the document and its viewer
        const key = `${method} ${path}`;
        if (!route.schema?.hide) {
          if (!documented.has(key)) missing.push(key);
          continue;
        }
        const canonical = ALIAS_RULES.reduce((p, rule) => (documented.has(`${method} ${p}`) ? p : rule(p)), path);
        if (!documented.has(`${method} ${canonical}`) && !REFUSALS.includes(`${method} ${canonical}`))
          unexplained.push(key);
      }
    }
    assert.deepEqual(missing, [], 'routes missing from the document');
    assert.deepEqual(unexplained, [], 'hidden routes that are neither an alias of a documented one nor a refusal');
    // Every engine and the system routes are in it.
    const tags = new Set(operations().flatMap(({ op }) => op.tags ?? []));
    for (const tag of ['users', 'netbox', 'passbolt', 'phase', 'lists', 'system']) assert.ok(tags.has(tag), tag);
  });

  it('gives every operation a described 2xx answer and its error envelope', async () => {
    const resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc;
    const problems: string[] = [];
    for (const [path, item] of Object.entries(resolved.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        const ok = Object.entries(op.responses).filter(([code]) => /^2/.test(code));
        if (!ok.length) problems.push(`${where}: no 2xx answer`);
        for (const [code, response] of ok) {
          if (!response.content) {
            // No body: 204 says so itself; any other code must say so in its description.
            if (code !== '204' && response.description === 'Default Response')
              problems.push(`${where} ${code}: no schema`);
            continue;
          }
          for (const [media, { schema }] of Object.entries(response.content)) {
            if (isEmpty(schema)) problems.push(`${where} ${code} ${media}: empty schema`);
            // One level down too: a typed envelope around an untyped body (`body: {}`) documents nothing.
            for (const inner of schema.type === 'array' ? [schema.items] : [schema]) {
              for (const [name, property] of Object.entries(inner?.properties ?? {}))
                if (isEmpty(property)) problems.push(`${where} ${code}: ${name} is untyped`);
            }
          }
        }
        if (!op.responses['4XX']?.content) problems.push(`${where}: no documented error envelope`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('asks credentials of every route but the public ones', () => {
    const ops = new Map(operations().map(({ key, op }) => [key, op]));
    for (const route of routes) {
      const op = ops.get(`${[route.method].flat()[0]} ${openapiPath(route.url)}`);
      if (!op || route.schema?.hide) continue;
      const isPublic = route.config?.hush?.access === 'public';
      assert.deepEqual(op.security, isPublic ? [] : undefined, `${route.method} ${route.url}`);
    }
  });

  it('keeps the refusals refusing, so they are no operations', async () => {
    for (const key of REFUSALS) {
      const [method, path] = key.split(' ') as [string, string];
      const res = await hush.request(method, path, method === 'GET' ? {} : { body: {} });
      assert.ok([400, 403, 405].includes(res.status), `${key}: ${res.status}`);
    }
  });
});
