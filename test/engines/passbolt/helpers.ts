import * as openpgp from 'openpgp';
import type { RunningHush } from '../../helpers/server.js';

/** A Passbolt user as a test sees it: Hush token, Passbolt id, and an OpenPGP key pair made in the test. */
export interface PbUser {
  username: string;
  token: string;
  id: string;
  publicKey: string;
  privateKey: string;
  call: PbCall;
}

export type PbCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: any; headers: Headers }>;

export async function generateKeyPair(name: string) {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: `${name}@example.com` }],
    format: 'armored',
  });
  return { publicKey, privateKey };
}

/** Requests the way Passbolt scripts make them with a Hush API token: `Authorization: Bearer <token>`. */
export function bearer(hush: RunningHush, token: string): PbCall {
  return (method, path, body) =>
    hush.request(method, path, {
      token: null,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body }),
    });
}

/** A Hush user with a token and a registered key (through POST /gpgkeys.json). Key pairs can be reused across servers. */
export async function passboltUser(
  hush: RunningHush,
  username: string,
  keys?: { publicKey: string; privateKey: string },
): Promise<PbUser> {
  const pair = keys ?? (await generateKeyPair(username));
  const user = await hush.request('POST', '/api/users/users/', {
    body: { username, first_name: username[0]!.toUpperCase() + username.slice(1), last_name: 'Test' },
  });
  if (user.status !== 201) throw new Error(`user create failed: ${user.status} ${JSON.stringify(user.body)}`);
  const token = (await hush.request('POST', '/api/users/tokens/', { body: { user: user.body.id } })).body.key as string;
  const call = bearer(hush, token);
  const reg = await call('POST', '/gpgkeys.json', { armored_key: pair.publicKey });
  if (reg.status !== 200) throw new Error(`key register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  return { username, token, id: reg.body.body.user_id, ...pair, call };
}

export async function encryptFor(text: string, ...publicKeys: string[]): Promise<string> {
  const encryptionKeys = await Promise.all(publicKeys.map((k) => openpgp.readKey({ armoredKey: k })));
  return openpgp.encrypt({ message: await openpgp.createMessage({ text }), encryptionKeys }) as Promise<string>;
}

export async function decryptWith(armored: string, privateKey: string): Promise<string> {
  const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys,
  });
  return data as string;
}

/** Creates a resource owned by `owner` with `password` encrypted to them; returns its id. */
export async function createResource(
  owner: PbUser,
  name: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await owner.call('POST', '/resources.json?api-version=v2', {
    name,
    username: 'root',
    uri: 'https://example.com',
    ...extra,
    secrets: [{ data: await encryptFor(password, owner.publicKey) }],
  });
  if (res.status !== 200) throw new Error(`resource create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.body.id as string;
}
