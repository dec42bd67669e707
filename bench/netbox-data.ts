// Setup for the netbox-* scenarios: the admin's RSA user key (which bootstraps the master key), a role, a device and
// realistic secrets (device credentials of 16-40 characters), created once per bench run.
import { createHash } from 'node:crypto';
import type { ScenarioContext } from './scenarios.js';

interface KeyPair {
  public_key: string;
  private_key: string;
}

export interface NetboxAdmin {
  pair: KeyPair;
  roleId: number;
  deviceId: number;
}

const P = '/api/plugins/secrets';
const admins = new Map<string, Promise<NetboxAdmin>>();

/** Once per server: the admin's key pair, user key, a role and a device. */
export function netboxAdmin(ctx: ScenarioContext): Promise<NetboxAdmin> {
  let admin = admins.get(ctx.baseUrl);
  if (!admin) {
    admin = (async () => {
      const pair = (await ctx.api('GET', `${P}/generate-rsa-key-pair/?key_size=2048`)) as KeyPair;
      await ctx.api('POST', `${P}/user-keys/`, { public_key: pair.public_key });
      const role = (await ctx.api('POST', `${P}/secret-roles/`, {
        name: 'Bench credentials',
        slug: 'bench-credentials',
      })) as { id: number };
      const device = (await ctx.api('POST', '/api/dcim/devices/', { name: 'bench-router-01' })) as { id: number };
      return { pair, roleId: role.id, deviceId: device.id };
    })();
    admins.set(ctx.baseUrl, admin);
  }
  return admin;
}

/** A fresh session key for the admin (replacing any earlier one). */
export async function adminSessionKey(ctx: ScenarioContext, admin: NetboxAdmin): Promise<string> {
  const made = (await ctx.api('POST', `${P}/session-key/`, { private_key: admin.pair.private_key })) as {
    session_key: string;
  };
  return made.session_key;
}

/** Deterministic device credentials, so every run stores the same sizes. */
export function netboxSecrets(count: number, admin: NetboxAdmin, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({
    assigned_object_type: 'dcim.device',
    assigned_object_id: admin.deviceId,
    role: admin.roleId,
    name: `${prefix}-${String(i).padStart(3, '0')}`,
    plaintext: createHash('sha256')
      .update(`${prefix}:${i}`)
      .digest('base64url')
      .slice(0, 16 + (i % 25)),
  }));
}
