import { generateKeyPair, encryptFor } from '../engines/passbolt/helpers.js';
import { rsaPair } from '../engines/netbox/helpers.js';

/**
 * What the fuzzer knows about the server it attacks: three identities and one object of every kind, so that
 * generated requests reach past "not found" into the handlers. Path-parameter pools hold only objects made for
 * the fuzzer (a victim user, its token, its permission), never the identities the fuzzer itself uses, so a
 * superuser's DELETE cannot take the fuzzer's own credentials away halfway through.
 */
export interface Fixtures {
  superuserToken: string;
  nopermToken: string;
  /** A valid NetBox session key of the superuser, sent as X-Session-Key on some requests. */
  sessionKey: string;
  /** The superuser's NetBox private key (PEM), for session-key and activation bodies. */
  privateKey: string;
  /** Armored OpenPGP public key and a message encrypted to the superuser, for Passbolt bodies. */
  gpgPublicKey: string;
  gpgMessage: string;
  /** Valid values by pool name (see POOL_OF in requests.ts). */
  pools: Record<string, (string | number)[]>;
}

type Api = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers?: Record<string, string>,
) => Promise<any>;

function apiFor(url: string, defaultToken: string): Api {
  return async (method, path, body, token = defaultToken, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`fixture ${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  };
}

export async function createFixtures(url: string, superuserToken: string): Promise<Fixtures> {
  const api = apiFor(url, superuserToken);
  const nobody = await api('POST', '/api/users/users/', { username: 'fz-nobody' });
  const nopermToken = (await api('POST', '/api/users/tokens/', { user: nobody.id })).key as string;
  const victim = await api('POST', '/api/users/users/', { username: 'fz-victim', password: 'fz-victim-password-1' });
  const victimToken = await api('POST', '/api/users/tokens/', { user: victim.id });
  const permission = await api('POST', '/api/users/permissions/', {
    name: 'fz-perm',
    object_types: ['lists.list'],
    actions: ['view'],
    users: [victim.id],
  });

  // NetBox: the superuser's user key unlocks the master key; one object of each kind.
  const pair = rsaPair();
  const userKey = await api('POST', '/api/plugins/secrets/user-keys/', { public_key: pair.publicKey });
  const session = await api('POST', '/api/plugins/secrets/session-key/', { private_key: pair.privateKey });
  const role = await api('POST', '/api/plugins/secrets/secret-roles/', { name: 'fz-role', slug: 'fz-role' });
  const device = await api('POST', '/api/dcim/devices/', { name: 'fz-device' });
  const vm = await api('POST', '/api/virtualization/virtual-machines/', { name: 'fz-vm' });
  const secret = await api(
    'POST',
    '/api/plugins/secrets/secrets/',
    {
      assigned_object_type: 'dcim.device',
      assigned_object_id: device.id,
      role: role.id,
      name: 'fz-secret',
      plaintext: 'fz-plain',
    },
    superuserToken,
    { 'x-session-key': session.session_key },
  );
  const sessionKeys = await api('GET', '/api/plugins/secrets/session-keys/');

  // Phase: an app (three environments) with two secrets.
  const app = await api('POST', '/v1/apps/', { name: 'fz-app' });
  const envs = app.environments as { id: string; name: string }[];
  const phaseSecrets = await api('POST', `/v1/secrets/?app_id=${app.id}&env=development`, {
    secrets: [
      { key: 'FZ_ONE', value: 'one' },
      { key: 'FZ_TWO', value: 'two', path: '/deep', tags: ['t'] },
    ],
  });

  // Lists: a list with a value.
  const list = await api('POST', '/api/secrets/lists', { name: 'fz-list' });
  const value = await api('POST', '/api/secrets/lists/fz-list/values', { secret_key: 'FZ_KEY', secret_value: 'v' });

  // Passbolt: the superuser's OpenPGP key and a resource.
  const gpg = await generateKeyPair('fz-admin');
  const registered = await api('POST', '/gpgkeys.json', { armored_key: gpg.publicKey });
  const gpgMessage = await encryptFor('fz-password', gpg.publicKey);
  const resource = await api('POST', '/resources.json?api-version=v2', {
    name: 'fz-resource',
    username: 'root',
    uri: 'https://example.com',
    secrets: [{ data: gpgMessage }],
  });
  const types = await api('GET', '/resource-types.json');

  return {
    superuserToken,
    nopermToken,
    sessionKey: session.session_key,
    privateKey: pair.privateKey,
    gpgPublicKey: gpg.publicKey,
    gpgMessage,
    pools: {
      adminUser: [victim.id],
      adminToken: [victimToken.id],
      adminPermission: [permission.id],
      nbRole: [role.id, role.slug],
      nbDevice: [device.id],
      nbVm: [vm.id],
      nbSecret: [secret.id],
      nbUserKey: [userKey.id],
      nbSessionKey: (sessionKeys.results as { id: number }[]).map((s) => s.id),
      phApp: [app.id],
      phEnv: envs.map((e) => e.id),
      phEnvName: envs.map((e) => e.name).concat(['development', 'PRODUCTION']),
      phSecret: (phaseSecrets as { id: string }[]).map((s) => s.id),
      list: [list.id, list.name],
      listValue: [value.id, value.secret_key],
      pbResource: [resource.body.id],
      pbUser: [registered.body.user_id],
      pbGpgkey: [registered.body.id],
      pbType: (types.body as { id: string }[]).map((t) => t.id),
      objectType: [
        'netbox_secrets.secret',
        'lists.list',
        'phase.app',
        'passbolt.resource',
        'users.user',
        'core.metrics',
        'dcim.device',
      ],
      action: ['view', 'add', 'change', 'delete'],
    },
  };
}
