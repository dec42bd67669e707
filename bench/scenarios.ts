// The load scenarios and one-shot requests. Engines append theirs to `scenarios` / `oneShots`; see bench/README.md.
import { passboltBenchUser } from './passbolt-data.js';
import { adminSessionKey, netboxAdmin, netboxSecrets } from './netbox-data.js';
import { phaseSecrets } from './phase-data.js';
import { encryptAsymmetric } from '../src/core/keyring/phase-crypto.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScenarioContext {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
  /** API token of the bootstrap admin (a superuser) */
  adminToken: string;
  /** Calls Hush as the admin, JSON in and out; throws on a non-2xx answer. Meant for creating data in setup(). */
  api(method: HttpMethod, path: string, body?: unknown): Promise<unknown>;
}

/** What setup() may decide once data exists, e.g. a path holding the id of a record it created. */
export interface RequestOverrides {
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export type HeaderSpec = Record<string, string> | ((ctx: ScenarioContext) => Record<string, string>);

export interface Scenario {
  /** unique among scenarios and one-shots; names the table row, the JSON entry and the ceiling route */
  name: string;
  method: HttpMethod;
  path: string;
  /** a function when a header needs the context, typically the admin token */
  headers?: HeaderSpec;
  /** sent as is; Content-Type defaults to application/json when a body is given */
  body?: string;
  /** replaces BENCH_CONNECTIONS for this scenario (Hush and ceiling alike), when its realistic concurrency differs */
  connections?: number;
  /** Runs once, before any measuring. The request is then repeated unchanged, so it must stay valid when repeated. */
  setup?(ctx: ScenarioContext): Promise<RequestOverrides | void>;
}

/** A request that cannot be repeated unchanged (it creates things), timed alone a few times; see bench/README.md. */
export interface OneShot {
  /** unique among scenarios and one-shots */
  name: string;
  method: HttpMethod;
  headers?: HeaderSpec;
  /**
   * Runs once, before timing, and returns how to build run n's request: n = 0 is the warm-up, 1…N are timed. Every
   * run must be accepted afresh (new keys, a new path) with a body of the same size, so the runs are comparable.
   */
  setup(ctx: ScenarioContext): Promise<(run: number) => RequestOverrides & { path: string }>;
}

export const asAdmin = (ctx: ScenarioContext): Record<string, string> => ({ Authorization: `Token ${ctx.adminToken}` });
/** Phase's clients send Bearer; the Phase engine parses its own credential styles, so this is what is measured. */
export const asPhaseAdmin = (ctx: ScenarioContext): Record<string, string> => ({
  Authorization: `Bearer ${ctx.adminToken}`,
});

/** NetActuate's clients send `Authorization: Bearer <key>`. */
export const asListsAdmin = (ctx: ScenarioContext): Record<string, string> => ({
  Authorization: `Bearer ${ctx.adminToken}`,
});

/** The lists-render-100 values, as the scenario stores them (the floor stores the same). */
export const renderValues = Array.from({ length: 100 }, (_, i) => ({
  key: `BENCH_SECRET_${i}`,
  value: `value-${i}-${'x'.repeat(24)}`,
}));

/** A cloud-init script writing `n` secrets, each line with one `${{secret.KEY}}` reference. */
function cloudInit(n: number): string {
  const lines = ['#cloud-config', 'write_files:', '  - path: /etc/app.env', '    content: |'];
  for (let i = 0; i < n; i++) lines.push(`      SECRET_${i}=\${{ secret.BENCH_SECRET_${i} }}`);
  return lines.join('\n') + '\n';
}

async function phaseApp(ctx: ScenarioContext, name: string): Promise<string> {
  const app = (await ctx.api('POST', '/v1/apps/', { name })) as { id: string };
  return app.id;
}

const developmentSecrets = (appId: string) => `/v1/secrets/?app_id=${encodeURIComponent(appId)}&env=development`;

export const scenarios: Scenario[] = [
  // Routing, serialisation and the security plugins, without authentication or a database read.
  { name: 'status', method: 'GET', path: '/api/status/' },
  // Adds token lookup, permission check and a paginated database read.
  { name: 'authenticated-read', method: 'GET', path: '/api/users/users/', headers: asAdmin },
  // What `phase secrets export` / `phase run` do at every deploy: one environment's secrets, decrypted, references
  // resolved. 32 connections: many services start at once.
  {
    name: 'phase-get-100',
    method: 'GET',
    path: '/v1/secrets/',
    headers: asPhaseAdmin,
    connections: 32,
    async setup(ctx) {
      const path = developmentSecrets(await phaseApp(ctx, 'bench-get-100'));
      await ctx.api('POST', path, { secrets: phaseSecrets(100, '/', true) });
      // Measuring a read that lost its data or its references would look fast and prove nothing.
      const read = (await ctx.api('GET', path)) as Array<{ value: string }>;
      if (read.length !== 100 || read.some((s) => s.value.includes('${'))) {
        throw new Error(`phase-get-100 setup: expected 100 secrets with references resolved, got ${read.length}`);
      }
      return { path };
    },
  },
  // The same environment read by Phase's own SDK or CLI over the end-to-end API: nothing resolved, but every key,
  // value and comment sealed to the environment key per request (300 ephemeral X25519 exchanges).
  {
    name: 'phase-e2ee-get-100',
    method: 'GET',
    path: '/service/secrets/',
    connections: 32,
    async setup(ctx) {
      const appId = await phaseApp(ctx, 'bench-e2ee-get-100');
      await ctx.api('POST', developmentSecrets(appId), { secrets: phaseSecrets(100, '/', true) });
      const envs = (await ctx.api('GET', `/v1/environments/?app_id=${appId}`)) as {
        data: { id: string; name: string }[];
      };
      const env = envs.data.find((e) => e.name === 'Development')!;
      const minted = (await ctx.api('POST', '/v1/tokens/', { description: 'bench' })) as { bearer_token: string };
      const headers = {
        Authorization: `Bearer ${minted.bearer_token}`,
        Environment: env.id,
        'X-Use-Camel-Case': 'true',
      };
      const check = await fetch(`${ctx.baseUrl}/service/secrets/`, { headers });
      const read = (await check.json()) as Array<{ value: string }>;
      if (read.length !== 100 || !read.every((s) => s.value.startsWith('ph:v1:')))
        throw new Error(`phase-e2ee-get-100 setup: expected 100 sealed secrets, got ${check.status}`);
      return { headers };
    },
  },
  // Provisioning a virtual server: its cloud-init script with 100 `${{secret.KEY}}` references rendered at once
  // (100 values decrypted, 100 audited reads).
  {
    name: 'lists-render-100',
    method: 'POST',
    path: '/api/secrets/render',
    headers: asListsAdmin,
    body: JSON.stringify({ template: cloudInit(100) }),
    async setup(ctx) {
      await ctx.api('POST', '/api/secrets/lists', { name: 'bench-render-100' });
      for (const { key, value } of renderValues) {
        await ctx.api('POST', '/api/secrets/lists/bench-render-100/values', { secret_key: key, secret_value: value });
      }
      const check = (await ctx.api('POST', '/api/secrets/render', { template: cloudInit(100) })) as {
        rendered: string;
      };
      if (check.rendered.includes('${{') || !check.rendered.includes('value-99-'))
        throw new Error('lists-render-100 setup: the template did not render');
    },
  },
  // A script fetching one password: the caller's OpenPGP copy, opened from the keyring and audited.
  {
    name: 'passbolt-secret-get',
    method: 'GET',
    path: '/secrets/resource/{id}.json',
    async setup(ctx) {
      const { token, resourceIds } = await passboltBenchUser(ctx, 'bench-pb-one', 1);
      return {
        path: `/secrets/resource/${resourceIds[0]}.json?api-version=v2`,
        headers: { Authorization: `Bearer ${token}` },
      };
    },
  },
  // What a Passbolt client does at start: every resource with the caller's secret contained (100 copies unsealed, one audit entry naming them).
  {
    name: 'passbolt-list-100-secrets',
    method: 'GET',
    path: '/resources.json?contain[secret]=1',
    async setup(ctx) {
      const { token } = await passboltBenchUser(ctx, 'bench-pb-list', 100);
      const path = '/resources.json?api-version=v2&contain[secret]=1&contain[permission]=1';
      const res = await fetch(`${ctx.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      const listed = ((await res.json()) as { body: Array<{ secrets: unknown[] }> }).body;
      if (listed.length !== 100 || listed.some((r) => r.secrets.length !== 1))
        throw new Error(`passbolt-list-100-secrets setup: expected 100 resources with a secret, got ${listed.length}`);
      return { path, headers: { Authorization: `Bearer ${token}` } };
    },
  },
  // `pynetbox … secrets.all()` on a device's credentials: 100 secrets, each decrypted (keyring, AES-CFB8, hash check)
  // with the master key a session key unlocks, audited in one entry naming all 100.
  {
    name: 'netbox-list-100',
    method: 'GET',
    path: '/api/plugins/secrets/secrets/?limit=100',
    headers: asAdmin,
    async setup(ctx) {
      const admin = await netboxAdmin(ctx);
      const sessionKey = await adminSessionKey(ctx, admin);
      const headers = { Authorization: `Token ${ctx.adminToken}`, 'X-Session-Key': sessionKey };
      // Writing plaintext needs the session key, which ctx.api does not send.
      const created = await fetch(`${ctx.baseUrl}/api/plugins/secrets/secrets/`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(netboxSecrets(100, admin, 'list')),
      });
      if (created.status !== 201) throw new Error(`netbox-list-100 setup: create answered ${created.status}`);
      const read = (await (
        await fetch(`${ctx.baseUrl}/api/plugins/secrets/secrets/?limit=100`, { headers })
      ).json()) as { results: Array<{ plaintext: string | null }> };
      if (read.results.length !== 100 || read.results.some((r) => !r.plaintext))
        throw new Error('netbox-list-100 setup: expected 100 decrypted secrets');
      return { headers };
    },
  },
  // Opening a session: one RSA-OAEP private-key decryption (2048 bits) of the master-key copy, then a short write.
  // A user of its own, so the admin's session key of netbox-list-100 stays valid.
  {
    name: 'netbox-session-key',
    method: 'POST',
    path: '/api/plugins/secrets/session-key/',
    headers: asAdmin,
    async setup(ctx) {
      const admin = await netboxAdmin(ctx);
      const user = (await ctx.api('POST', '/api/users/users/', { username: 'bench-netbox-session' })) as { id: number };
      const token = (await ctx.api('POST', '/api/users/tokens/', { user: user.id })) as { key: string };
      const pair = (await ctx.api('GET', '/api/plugins/secrets/generate-rsa-key-pair/?key_size=2048')) as {
        public_key: string;
        private_key: string;
      };
      const key = (await ctx.api('POST', '/api/plugins/secrets/user-keys/', {
        public_key: pair.public_key,
        user: user.id,
      })) as { id: number };
      await ctx.api('POST', '/api/plugins/secrets/user-keys/activate/', {
        private_key: admin.pair.private_key,
        user_key_ids: [key.id],
      });
      return {
        headers: { Authorization: `Token ${token.key}` },
        body: JSON.stringify({ private_key: pair.private_key }),
      };
    },
  },
];

export const oneShots: OneShot[] = [
  // An import of a whole .env file or a migration from another store: one request of 1,000 new secrets.
  {
    name: 'phase-bulk-create-1000',
    method: 'POST',
    headers: asPhaseAdmin,
    async setup(ctx) {
      const path = developmentSecrets(await phaseApp(ctx, 'bench-bulk-create'));
      // Same keys each run but a path of its own, so they never clash; the fixed-width run number keeps the size.
      return (run) => ({
        path,
        body: JSON.stringify({ secrets: phaseSecrets(1000, `/bulk/run-${String(run).padStart(3, '0')}`) }),
      });
    },
  },
  // The same 1,000 secrets sent by Phase's SDK or CLI: 3,000 ph:v1 ciphertexts opened with the environment key.
  {
    name: 'phase-e2ee-bulk-create-1000',
    method: 'POST',
    async setup(ctx) {
      const appId = await phaseApp(ctx, 'bench-e2ee-bulk-create');
      const minted = (await ctx.api('POST', '/v1/tokens/', { description: 'bench' })) as { bearer_token: string };
      const session = await fetch(`${ctx.baseUrl}/service/secrets/tokens/`, {
        headers: { Authorization: `Bearer ${minted.bearer_token}` },
      });
      const apps = (
        (await session.json()) as {
          apps: {
            id: string;
            environment_keys: { identity_key: string; environment: { id: string; name: string } }[];
          }[];
        }
      ).apps;
      const env = apps.find((a) => a.id === appId)!.environment_keys.find((k) => k.environment.name === 'Development')!;
      const headers = { Authorization: `Bearer ${minted.bearer_token}`, Environment: env.environment.id };
      // Encrypting is the client's work, done once before timing; paths are not encrypted, so each run's own path
      // keeps its keys new while the ciphertexts (opened afresh by every run) stay the same.
      const sealed = await Promise.all(
        phaseSecrets(1000, '/').map(async (s) => ({
          key: await encryptAsymmetric(s.key, env.identity_key),
          value: await encryptAsymmetric(s.value, env.identity_key),
          comment: await encryptAsymmetric(s.comment, env.identity_key),
          tags: s.tags,
        })),
      );
      return (run) => ({
        path: '/service/secrets/',
        headers,
        body: JSON.stringify({
          secrets: sealed.map((x) => ({ ...x, path: `/bulk/run-${String(run).padStart(3, '0')}` })),
        }),
      });
    },
  },
  // `hush import .env` of a 5,000-line file: one upsert request (POST /v1/secrets/import/), one transaction.
  {
    name: 'phase-import-5000',
    method: 'POST',
    headers: asPhaseAdmin,
    async setup(ctx) {
      const path = developmentSecrets(await phaseApp(ctx, 'bench-import')).replace(
        '/v1/secrets/',
        '/v1/secrets/import/',
      );
      return (run) => ({
        path,
        body: JSON.stringify({ secrets: phaseSecrets(5000, `/import/run-${String(run).padStart(3, '0')}`) }),
      });
    },
  },
];
