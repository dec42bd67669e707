import * as openpgp from 'openpgp';
import type { ScenarioContext } from './scenarios.js';

/**
 * A Passbolt user of its own for one scenario (so each scenario's listing holds exactly its own resources): a Hush
 * user and token, an OpenPGP key registered through POST /gpgkeys.json, and `count` resources whose secrets are
 * encrypted to that key, as a Passbolt client would make them.
 */
export async function passboltBenchUser(
  ctx: ScenarioContext,
  username: string,
  count: number,
): Promise<{ token: string; resourceIds: string[] }> {
  const user = (await ctx.api('POST', '/api/users/users/', { username })) as { id: number };
  const { key: token } = (await ctx.api('POST', '/api/users/tokens/', { user: user.id })) as { key: string };
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${ctx.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { body: { id: string } };
    if (!res.ok)
      throw new Error(`setup: ${method} ${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    return json.body;
  };
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: username }],
    format: 'armored',
  });
  await call('POST', '/gpgkeys.json', { armored_key: publicKey });
  const encryptionKeys = await openpgp.readKey({ armoredKey: publicKey });
  const resourceIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const data = await openpgp.encrypt({
      message: await openpgp.createMessage({
        text: JSON.stringify({ password: `pw-${i}-${'x'.repeat(24)}`, description: '' }),
      }),
      encryptionKeys,
    });
    const created = await call('POST', '/resources.json', {
      name: `resource-${i}`,
      username: 'deploy',
      uri: `https://host-${i}.example.com`,
      secrets: [{ data }],
    });
    resourceIds.push(created.id);
  }
  return { token, resourceIds };
}
