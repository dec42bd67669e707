import { generateKeyPairSync } from 'node:crypto';
import type { RunningHush } from '../../helpers/server.js';

export const P = '/api/plugins/secrets';
export const L = '/api/secrets';

/** An RSA pair in the formats the original hands out: SPKI public, PKCS#1 private. */
export function rsaPair(bits = 2048) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKey, privateKey };
}

/** A caller with a token; `request` defaults to that token and takes extra headers. */
export function as(hush: RunningHush, token: string, sessionKey?: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    hush.request(method, path, {
      token,
      headers: { ...(sessionKey ? { 'x-session-key': sessionKey } : {}), ...headers },
      ...(body === undefined ? {} : { body }),
    });
}
export type Call = ReturnType<typeof as>;

/** A user with a token and the given grants (object types and actions; optionally one object id). */
export async function userWithGrants(
  hush: RunningHush,
  username: string,
  grants: { objectTypes: string[]; actions: string[]; objectId?: string }[],
  writeEnabled = true,
) {
  const user = await hush.request('POST', '/api/users/users/', { body: { username } });
  for (const [i, g] of grants.entries()) {
    const res = await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: `${username}-${i}`,
        object_types: g.objectTypes,
        actions: g.actions,
        users: [user.body.id],
        ...(g.objectId ? { constraints: { id: g.objectId } } : {}),
      },
    });
    if (res.status !== 201) throw new Error(`grant failed: ${JSON.stringify(res.body)}`);
  }
  const token = await hush.request('POST', '/api/users/tokens/', {
    body: { user: user.body.id, write_enabled: writeEnabled },
  });
  return { id: user.body.id as number, token: token.body.key as string };
}

export const ALL_SECRETS_PERMS = [
  {
    objectTypes: ['netbox_secrets.secret', 'netbox_secrets.secretrole', 'netbox_secrets.userkey', 'dcim.device'],
    actions: ['view', 'add', 'change', 'delete'],
  },
];

/** The admin's key (bootstraps the master key), a session key, a role and a device. */
export async function unlockedAdmin(hush: RunningHush) {
  const pair = rsaPair();
  const admin = as(hush, hush.token);
  const userKey = await admin('POST', `${P}/user-keys/`, { public_key: pair.publicKey });
  if (userKey.status !== 201) throw new Error(`user key: ${JSON.stringify(userKey.body)}`);
  const session = await admin('POST', `${P}/session-key/`, { private_key: pair.privateKey });
  if (session.status !== 201) throw new Error(`session key: ${JSON.stringify(session.body)}`);
  const sessionKey = session.body.session_key as string;
  const role = await admin('POST', `${P}/secret-roles/`, { name: 'Login Credentials', slug: 'login-creds' });
  const device = await admin('POST', '/api/dcim/devices/', { name: 'MyTestDevice' });
  return {
    pair,
    userKeyId: userKey.body.id as number,
    sessionKey,
    roleId: role.body.id as number,
    deviceId: device.body.id as number,
    call: as(hush, hush.token, sessionKey),
    plain: admin,
  };
}

export const secretBody = (deviceId: number, roleId: number, name: string, plaintext = 'secret') => ({
  assigned_object_type: 'dcim.device',
  assigned_object_id: deviceId,
  role: roleId,
  name,
  plaintext,
});
