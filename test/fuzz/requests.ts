import type { Prng } from '../helpers/prng.js';
import type { Fixtures } from './fixtures.js';
import type { RawRequest } from './http.js';
import {
  badAuthorization,
  CONTENT_TYPES,
  encodeBody,
  mutate,
  ODD_QUERY_VALUES,
  ODD_SEGMENTS,
  ODD_WILDCARDS,
  QUERY_NAMES,
} from './inputs.js';
import type { FuzzRoute } from './routes.js';
import { seedBody } from './seeds.js';

export type Identity = 'superuser' | 'noperm' | 'anonymous' | 'bad credentials';

/** A generated request, with what it was made from (for the report of a failure). */
export interface FuzzRequest extends RawRequest {
  index: number;
  route: FuzzRoute;
  identity: Identity;
  notes: string[];
}

/** Which fixture pool a path parameter draws valid values from, by route template. */
const POOL_OF: [RegExp, string, string?][] = [
  [/^\/api\/users\/users\/:id/, 'adminUser'],
  [/^\/api\/users\/tokens\/:id/, 'adminToken'],
  [/^\/api\/users\/permissions\/:id/, 'adminPermission'],
  [/secret-roles\/:id/, 'nbRole'],
  [/^\/api\/(plugins\/)?secrets\/secrets\/:id/, 'nbSecret'],
  [/devices\/:id/, 'nbDevice'],
  [/virtual-machines\/:id/, 'nbVm'],
  [/user-keys\/:id/, 'nbUserKey'],
  [/session-keys\/:id/, 'nbSessionKey'],
  [/\/apps\/:id/, 'phApp'],
  [/\/environments\/:id/, 'phEnv'],
  [/v1\/secrets\/:id/, 'phSecret'],
  [/:secretList/, 'list', 'secretList'],
  [/:secretListValue/, 'listValue', 'secretListValue'],
  [
    /^\/(resources|secrets\/resource|permissions\/resource|share\/resource|share\/simulate\/resource)\/:id/,
    'pbResource',
  ],
  [/^\/users\/:id/, 'pbUser'],
  [/^\/gpgkeys\/:id/, 'pbGpgkey'],
  [/^\/resource-types\/:id/, 'pbType'],
];

function poolFor(template: string, param: string): string | undefined {
  return POOL_OF.find(([re, , only]) => re.test(template) && (only === undefined || only === param))?.[1];
}

const enc = (v: string | number) => encodeURIComponent(String(v));

function fillPath(r: Prng, route: FuzzRoute, fx: Fixtures, notes: string[]): string {
  return route.template
    .replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
      const pool = fx.pools[poolFor(route.template, name) ?? ''];
      if (pool?.length && r.chance(0.5)) return enc(r.pick(pool));
      const odd = r.pick(ODD_SEGMENTS);
      notes.push(`:${name}=${JSON.stringify(odd.length > 40 ? `${odd.slice(0, 12)}…(${odd.length})` : odd)}`);
      return odd;
    })
    .replace(/\*$/, () => {
      const odd = r.pick(ODD_WILDCARDS);
      notes.push(`*=${JSON.stringify(odd.slice(0, 40))}`);
      return odd;
    });
}

/** Generating an RSA key is legitimately slow; the fuzzer asks only for refused or small sizes, or it would measure RSA. */
const KEY_SIZES = ['', 'abc', '-2048', '1e19', '1023', '1024.0', '2000', '99999999', '0', '%00', '2048', '1024'];

function queryString(r: Prng, route: FuzzRoute, fx: Fixtures, notes: string[]): string {
  const parts: string[] = [];
  const phase = /^\/(service\/)?(public\/)?v1\//.test(route.template);
  if (phase && r.chance(0.7)) {
    parts.push(`app_id=${enc(r.pick(fx.pools.phApp!))}`, `env=${enc(r.pick(fx.pools.phEnvName!))}`);
  }
  if (/generate-rsa-key-pair/.test(route.template)) {
    parts.push(`key_size=${r.pick(KEY_SIZES)}`);
    notes.push('key_size');
    return `?${parts.join('&')}`;
  }
  if (r.chance(0.5)) {
    const names = route.query.length && r.chance(0.6) ? route.query : QUERY_NAMES;
    for (let i = r.int(1, 3); i > 0; i--) {
      const name = r.pick(names);
      const value =
        r.chance(0.25) && fx.pools[name === 'app_id' ? 'phApp' : name === 'env' ? 'phEnvName' : '']?.length
          ? enc(r.pick(fx.pools[name === 'app_id' ? 'phApp' : 'phEnvName']!))
          : r.pick(ODD_QUERY_VALUES);
      parts.push(`${name}=${value}`);
      notes.push(`?${name}=${value.length > 30 ? `${value.slice(0, 10)}…(${value.length})` : value}`);
    }
  }
  if (r.chance(0.03)) {
    parts.push('x=' + 'q'.repeat(r.pick([8_000, 20_000])));
    notes.push('very long query');
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function credentials(r: Prng, identity: Identity, fx: Fixtures, route: FuzzRoute, c: string): Record<string, string> {
  if (identity === 'anonymous') return {};
  if (identity === 'bad credentials') return { authorization: badAuthorization(r, c) };
  const token = identity === 'superuser' ? fx.superuserToken : fx.nopermToken;
  // Each engine's clients send the token their own way; all must work, and none may break another engine.
  const styles = [`Token ${token}`, `Bearer ${token}`];
  if (/v1\/|service\//.test(route.template)) styles.push(`Bearer User ${token}`, `Bearer ServiceAccount ${token}`);
  if (route.template.startsWith('/api/secrets/')) styles.push(token);
  return { authorization: r.pick(styles) };
}

function extraHeaders(r: Prng, fx: Fixtures, notes: string[]): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.chance(0.15))
    h['x-session-key'] = r.chance(0.5)
      ? fx.sessionKey
      : r.pick(['', 'abc', '%%%', 'A'.repeat(5000), fx.sessionKey.slice(0, -4), '=']);
  if (r.chance(0.05)) h['x-request-id'] = r.pick(['', 'x'.repeat(2000), '\u00ff\u00fe', '../..', 'a b c']);
  if (r.chance(0.05))
    h.cookie = r.pick([
      'sessionid=abc',
      `hush_session=${'a'.repeat(100)}`,
      'refresh_token=00000000-0000-4000-8000-000000000000',
      '=;=;',
      'a=%ff',
    ]);
  if (r.chance(0.04)) h['x-csrf-token'] = r.pick(['', 'abc', 'x'.repeat(500)]);
  if (r.chance(0.04))
    h.environment = r.pick([...fx.pools.phEnv!, '', 'x', '00000000-0000-4000-8000-000000000000']).toString();
  if (r.chance(0.03)) h.keydigest = r.pick(['', 'zz', 'a'.repeat(64), 'a'.repeat(5000)]);
  if (r.chance(0.03)) h.accept = r.pick(['text/html', 'application/xml', '*/*;q=abc', '']);
  if (r.chance(0.02)) h['x-http-method-override'] = 'DELETE';
  if (r.chance(0.01)) h['x-fz-large'] = 'h'.repeat(r.pick([9_000, 20_000]));
  for (const k of Object.keys(h)) notes.push(`header ${k}`);
  return h;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ODD_METHODS = ['OPTIONS', 'PROPFIND', 'PURGE', 'LOCK', 'SEARCH', 'TRACE', 'MKCOL', 'REPORT'];

/** The `index`-th request of a run: a pure function of (seed, index), so any one can be replayed. */
export function makeRequest(
  base: Prng,
  index: number,
  routes: readonly FuzzRoute[],
  fx: Fixtures,
  canary: string,
): FuzzRequest {
  const r = base.fork(index);
  // Every route gets its share: rounds of all routes in a seeded order.
  const round = Math.floor(index / routes.length);
  const order = shuffled(base.fork(-1 - round), routes.length);
  const route = routes[order[index % routes.length]!]!;
  const notes: string[] = [];

  let method = route.method;
  const m = r.next();
  if (m < 0.04) method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
  else if (m < 0.07) method = r.pick(ODD_METHODS);
  if (method !== route.method) notes.push(`method ${method} on a ${route.method} route`);

  const identity: Identity = r.pick([
    'superuser',
    'superuser',
    'superuser',
    'noperm',
    'noperm',
    'anonymous',
    'bad credentials',
  ]);
  const path = fillPath(r, route, fx, notes) + queryString(r, route, fx, notes);
  const headers: Record<string, string> = {
    ...credentials(r, identity, fx, route, canary),
    ...extraHeaders(r, fx, notes),
  };

  let body: Buffer | undefined;
  if (WITH_BODY.has(method) ? r.chance(0.9) : r.chance(0.05)) {
    let value = seedBody(r, route, method, fx);
    if (r.chance(0.75)) {
      const mutated = mutate(r, value, canary);
      value = mutated.value;
      notes.push(...mutated.notes);
    }
    const encoded = encodeBody(r, value, canary);
    body = encoded.bytes;
    notes.push(...encoded.notes);
    const type = r.chance(0.8) ? 'application/json' : r.pick(CONTENT_TYPES);
    if (type !== undefined) headers['content-type'] = type;
    if (type !== 'application/json') notes.push(`content-type ${JSON.stringify(type)}`);
  } else if (WITH_BODY.has(method) && r.chance(0.5)) {
    // No body, but a JSON content type: what Passbolt's own client sends with DELETE.
    headers['content-type'] = 'application/json';
    notes.push('no body, JSON content type');
  }
  return { index, route, identity, notes, method, path, headers, body };
}

function shuffled(r: Prng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
