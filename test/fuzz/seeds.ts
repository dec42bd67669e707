import type { Prng } from '../helpers/prng.js';
import type { Fixtures } from './fixtures.js';
import type { FuzzRoute } from './routes.js';

/**
 * A plausible body for each route, built from the fixtures, which the fuzzer then mutates: a valid shape gets past
 * the first "must be an object" check, so the mutations reach the validation and the handler behind it. Routes
 * whose OpenAPI entry has a body schema get an instance of it; the others (NetBox, Passbolt and Phase validate by
 * hand, as the originals do) get one from this table.
 */
type Seed = (r: Prng, fx: Fixtures, method: string) => unknown;

const UUID_NONE = '00000000-0000-4000-8000-000000000000';
const pick = (r: Prng, fx: Fixtures, pool: string) => r.pick(fx.pools[pool]!);

const SEEDS: [RegExp, Seed][] = [
  [
    /^\/api\/users\/tokens\/provision/,
    () => ({
      username: 'fz-victim',
      password: 'fz-victim-password-1',
      write_enabled: true,
      expires: '2030-01-01T00:00:00Z',
      description: 'd',
    }),
  ],
  [
    /^\/api\/users\/login/,
    (r) => ({ username: r.pick(['fz-victim', 'admin', 'nobody']), password: 'not-the-password' }),
  ],
  [
    /^\/api\/users\/users\//,
    (r) => ({
      username: `fz-u${r.int(0, 1e6)}`,
      password: 'pw-pw-pw-pw',
      first_name: 'F',
      last_name: 'Z',
      email: 'f@z.example',
      is_active: true,
      is_superuser: false,
      is_staff: false,
      kind: r.pick(['person', 'service']),
    }),
  ],
  [
    /^\/api\/users\/tokens\//,
    (r, fx) => ({
      user: pick(r, fx, 'adminUser'),
      write_enabled: r.chance(0.5),
      enabled: true,
      expires: '2030-01-01T00:00:00Z',
      description: 'd',
    }),
  ],
  [
    /^\/api\/users\/permissions\//,
    (r, fx) => ({
      name: `fz-p${r.int(0, 1e6)}`,
      object_types: [pick(r, fx, 'objectType')],
      actions: [pick(r, fx, 'action')],
      users: [pick(r, fx, 'adminUser')],
      constraints: { id: 1 },
      enabled: true,
      description: 'd',
    }),
  ],
  [
    /user-keys\/activate|activate-user-key/,
    (r, fx) => ({
      private_key: fx.privateKey,
      user_keys: [pick(r, fx, 'nbUserKey')],
      user_key_ids: [pick(r, fx, 'nbUserKey')],
    }),
  ],
  [
    /user-keys/,
    (r, fx) => ({
      public_key:
        '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n',
      user: pick(r, fx, 'adminUser'),
    }),
  ],
  [/session-key|get-session-key/, (r, fx) => ({ private_key: fx.privateKey, preserve_key: r.chance(0.5) })],
  [
    /secret-roles\/$/,
    (r, fx, method) =>
      method === 'POST'
        ? { name: `fz-r${r.int(0, 1e6)}`, slug: `fz-r${r.int(0, 1e6)}`, description: 'd' }
        : [{ id: pick(r, fx, 'nbRole'), description: 'bulk' }],
  ],
  [/secret-roles/, (r) => ({ name: `fz-r${r.int(0, 1e6)}`, slug: `fz-r${r.int(0, 1e6)}`, description: 'd' })],
  [
    /^\/api\/(plugins\/)?secrets\/secrets\/$/,
    (r, fx, method) =>
      method === 'POST'
        ? {
            assigned_object_type: 'dcim.device',
            assigned_object_id: pick(r, fx, 'nbDevice'),
            device: pick(r, fx, 'nbDevice'),
            role: pick(r, fx, 'nbRole'),
            name: `fz-s${r.int(0, 1e6)}`,
            plaintext: 'p',
          }
        : method === 'DELETE'
          ? [{ id: pick(r, fx, 'nbSecret') }]
          : [{ id: pick(r, fx, 'nbSecret'), name: 'bulk' }],
  ],
  [
    /^\/api\/(plugins\/)?secrets\/secrets\//,
    (r, fx) => ({
      name: 'fz-s',
      plaintext: 'p',
      role: pick(r, fx, 'nbRole'),
      assigned_object_type: 'virtualization.virtualmachine',
      assigned_object_id: pick(r, fx, 'nbVm'),
    }),
  ],
  [/devices|virtual-machines/, (r) => ({ name: `fz-d${r.int(0, 1e6)}`, status: 'active' })],
  [
    /^\/graphql/,
    (r) => ({
      query: r.pick([
        '{ secret_list { id name } }',
        '{ secret(id: 1) { id } }',
        'query Q($id: Int!) { secret(id: $id) { id } }',
        '{ secret_role_list { id slug } }',
      ]),
      variables: { id: 1 },
      operationName: null,
    }),
  ],
  [
    /\/secrets\/import\//,
    (r) => ({
      secrets: [{ key: `FZ_I${r.int(0, 99)}`, value: 'v', path: '/', comment: 'c', tags: ['t'] }],
      dry_run: r.chance(0.5),
    }),
  ],
  [/\/secrets\/:id\/restore\//, () => ({ version: 1 })],
  [
    /^\/(service\/)?(public\/)?v1\/secrets\/?$/,
    (r, fx, method) =>
      method === 'POST'
        ? {
            secrets: [
              {
                key: `FZ_S${r.int(0, 999)}`,
                value: 'v',
                comment: 'c',
                path: r.pick(['/', '/a/b']),
                tags: ['t'],
                type: r.pick(['secret', 'config', 'sealed']),
                override: { value: 'o', isActive: true },
              },
            ],
          }
        : method === 'PUT'
          ? { secrets: [{ id: pick(r, fx, 'phSecret'), key: 'FZ_ONE', value: 'v2', comment: 'c' }] }
          : { secrets: [pick(r, fx, 'phSecret')] },
  ],
  [/\/apps\//, (r) => ({ name: `fz-a${r.int(0, 1e6)}`, description: 'd', sse_enabled: true })],
  [/\/environments\//, (r) => ({ name: `fz-e${r.int(0, 1e6)}` })],
  [
    /^\/v1\/tokens\//,
    (r, fx) => ({
      name: 'fz-t',
      user: pick(r, fx, 'adminUser'),
      expires: '2030-01-01T00:00:00Z',
      write_enabled: true,
      apps: [pick(r, fx, 'phApp')],
      environments: [pick(r, fx, 'phEnv')],
    }),
  ],
  [
    /^\/service\/secrets\//,
    (r, fx) => ({
      secrets: [
        {
          id: pick(r, fx, 'phSecret'),
          key: 'ph:v1:aa:bb',
          value: 'ph:v1:aa:bb',
          comment: '',
          keyDigest: 'a'.repeat(64),
          path: '/',
          tags: [],
        },
      ],
    }),
  ],
  [/\/values\/:secretListValue\/restore/, () => ({ version: 1 })],
  [/\/values/, (r) => ({ secret_key: `FZ_V${r.int(0, 999)}`, secret_value: 'v' })],
  [/^\/api\/secrets\/lists/, (r) => ({ name: `fz-l${r.int(0, 1e6)}` })],
  [
    /^\/api\/secrets\/render/,
    (r) => ({
      template: r.pick([
        'a ${{secret.FZ_KEY}} b',
        '${{ secret.FZ_MISSING }}',
        '$${{ literal }}',
        '${{secret.}}',
        '${{',
      ]),
    }),
  ],
  [
    /^\/resources/,
    (r, fx) => ({
      name: 'fz-r',
      username: 'u',
      uri: 'https://e.example',
      description: 'd',
      resource_type_id: pick(r, fx, 'pbType'),
      expired: null,
      secrets: [{ data: fx.gpgMessage }],
    }),
  ],
  [
    /^\/share\//,
    (r, fx) => ({
      permissions: [
        { aro: 'User', aro_foreign_key: pick(r, fx, 'pbUser'), type: 15 },
        {
          is_new: true,
          aro: 'User',
          aro_foreign_key: UUID_NONE,
          aco: 'Resource',
          aco_foreign_key: pick(r, fx, 'pbResource'),
          type: 1,
        },
        { id: UUID_NONE, delete: true },
      ],
      secrets: [{ user_id: pick(r, fx, 'pbUser'), data: fx.gpgMessage }],
    }),
  ],
  [/^\/gpgkeys/, (_r, fx) => ({ armored_key: fx.gpgPublicKey })],
  [/^\/auth\/jwt\/login/, (r, fx) => ({ user_id: pick(r, fx, 'pbUser'), challenge: fx.gpgMessage })],
  [/^\/auth\/jwt\/refresh/, (r, fx) => ({ user_id: pick(r, fx, 'pbUser'), refresh_token: UUID_NONE })],
  [/^\/auth\/jwt\/logout/, () => ({ refresh_token: UUID_NONE })],
];

export function seedBody(r: Prng, route: FuzzRoute, method: string, fx: Fixtures): unknown {
  if (route.bodySchema !== undefined && r.chance(0.7)) return instanceOf(r, route.bodySchema, 0);
  const seed = SEEDS.find(([re]) => re.test(route.template))?.[1];
  return seed ? seed(r, fx, method) : {};
}

/** A value that satisfies a (TypeBox-generated) JSON schema, roughly: enough to get past the shape checks. */
export function instanceOf(r: Prng, schema: any, depth: number): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return r.pick(schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return instanceOf(r, r.pick(union), depth + 1);
  const type = Array.isArray(schema.type) ? r.pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [k, v] of Object.entries(schema.properties ?? {}))
        if (required.has(k) || r.chance(0.6)) out[k] = instanceOf(r, v, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, r.int(0, 2)) }, () =>
        instanceOf(r, schema.items, depth + 1),
      );
    case 'integer':
      return Math.max(schema.minimum ?? 1, r.int(1, 5));
    case 'number':
      return r.int(1, 5);
    case 'boolean':
      return r.chance(0.5);
    case 'null':
      return null;
    case 'string':
      if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
      return `fz${r.int(0, 1e6)}`.slice(0, schema.maxLength ?? 64).padEnd(schema.minLength ?? 0, 'z');
    default:
      return null;
  }
}
