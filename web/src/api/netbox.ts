import { api, untypedBody } from './client.ts';
import { unwrap } from './errors.ts';
import type { operations } from './schema';

type Json<Op extends keyof operations, Code extends number> =
  operations[Op]['responses'] extends Record<Code, { content: { 'application/json': infer T } }> ? T : never;

export type NetboxSecret = Json<'plugin_secrets_list', 200>['results'][number];
export type NetboxRole = Json<'plugin_secret_roles_list', 200>['results'][number];
export type NetboxUserKey = Json<'plugin_user_keys_list', 200>['results'][number];
export type NetboxSessionKey = Json<'plugin_session_key_read', 200>;
export type NetboxObject = Json<'device_list', 200>['results'][number];
export type NetboxObjectPage = Json<'device_list', 200>;

/** What a secret is assigned to: NetBox's content types of the two kinds the plugin allows. */
export const OBJECT_KINDS = {
  'dcim.device': 'Device',
  'virtualization.virtualmachine': 'Virtual machine',
} as const;
export type ObjectKind = keyof typeof OBJECT_KINDS;

/** Where a secret belongs: a device or a virtual machine, by id. */
export interface Place {
  kind: ObjectKind;
  id: number;
}

/** NetBox's secret filters by assigned object (the plugin's `device_id`, `virtual_machine_id`). */
const placeFilter = (place: Place) =>
  place.kind === 'dcim.device' ? { device_id: String(place.id) } : { virtual_machine_id: String(place.id) };

/** A device's or VM's editable fields (Hush's minimal inventory, docs/wire/netbox.md §3.5). */
export interface ObjectFields {
  name: string;
  description: string;
}

/** The fields the console writes (the plugin's serializer, docs/wire/netbox.md §3.1). */
export interface SecretFields {
  assigned_object_type: ObjectKind;
  assigned_object_id: number;
  role: number;
  name: string;
  description: string;
  /** Left out of an edit that keeps the value. */
  plaintext?: string;
}

// NetBox's largest page (limit=0 means 1000, docs/wire/netbox.md §3.0): the console lists up to that many.
const ALL = { limit: '0' };
const P = '/api/plugins/secrets';

/**
 * The NetBox secrets plugin's API (`/api/plugins/secrets/`) with the console's session cookie, as NetBox's own UI
 * calls it. Plaintext needs the user's session key as well, which the session-key endpoint sets as the plugin's
 * HttpOnly cookie (`netbox_secrets_sessionid`) for a browser session: the page never holds it.
 */
export const netbox = {
  // Listing never decrypts (`omit=plaintext`): a plaintext is fetched, and audited, one secret at a time.
  // Filtered by the server when a device or VM is given, so its secrets are all there past the first page's 1000.
  secrets: async (place?: Place) =>
    unwrap(
      await api.GET(`${P}/secrets/`, {
        params: { query: { ...ALL, omit: 'plaintext', ...(place ? placeFilter(place) : {}) } },
      }),
    ).results,
  /** How many secrets a device or VM holds (what deleting it deletes too). */
  secretCount: async (place: Place) =>
    unwrap(
      await api.GET(`${P}/secrets/`, { params: { query: { limit: '1', omit: 'plaintext', ...placeFilter(place) } } }),
    ).count,
  plaintext: async (id: number) =>
    unwrap(await api.GET(`${P}/secrets/{id}/`, { params: { path: { id } } })).plaintext ?? null,
  createSecret: async (fields: SecretFields) => unwrap(await api.POST(`${P}/secrets/`, { body: untypedBody(fields) })),
  updateSecret: async (id: number, fields: Partial<SecretFields>) =>
    unwrap(await api.PATCH(`${P}/secrets/{id}/`, { params: { path: { id } }, body: untypedBody(fields) })),
  deleteSecret: async (id: number) => unwrap(await api.DELETE(`${P}/secrets/{id}/`, { params: { path: { id } } })),

  roles: async () => unwrap(await api.GET(`${P}/secret-roles/`, { params: { query: ALL } })).results,
  createRole: async (role: { name: string; slug: string; description: string }) =>
    unwrap(await api.POST(`${P}/secret-roles/`, { body: untypedBody(role) })),
  deleteRole: async (id: number) => unwrap(await api.DELETE(`${P}/secret-roles/{id}/`, { params: { path: { id } } })),

  devices: async () => unwrap(await api.GET('/api/dcim/devices/', { params: { query: ALL } })).results,
  virtualMachines: async () =>
    unwrap(await api.GET('/api/virtualization/virtual-machines/', { params: { query: ALL } })).results,
  object: async ({ kind, id }: Place) => {
    const params = { path: { id } };
    return unwrap(
      kind === 'dcim.device'
        ? await api.GET('/api/dcim/devices/{id}/', { params })
        : await api.GET('/api/virtualization/virtual-machines/{id}/', { params }),
    );
  },
  /** One page of devices or VMs, by name, searched by the server (`q`: the name contains it). */
  objectPage: async (kind: ObjectKind, page: { q: string; limit: number; offset: number }) => {
    const query = {
      limit: String(page.limit),
      offset: String(page.offset),
      ordering: 'name,id',
      ...(page.q ? { q: page.q } : {}),
    };
    return unwrap(
      kind === 'dcim.device'
        ? await api.GET('/api/dcim/devices/', { params: { query } })
        : await api.GET('/api/virtualization/virtual-machines/', { params: { query } }),
    );
  },
  createObject: async (kind: ObjectKind, fields: ObjectFields) => {
    const body = untypedBody(fields);
    return unwrap(
      kind === 'dcim.device'
        ? await api.POST('/api/dcim/devices/', { body })
        : await api.POST('/api/virtualization/virtual-machines/', { body }),
    );
  },
  updateObject: async ({ kind, id }: Place, fields: Partial<ObjectFields>) => {
    const args = { params: { path: { id } }, body: untypedBody(fields) };
    return unwrap(
      kind === 'dcim.device'
        ? await api.PATCH('/api/dcim/devices/{id}/', args)
        : await api.PATCH('/api/virtualization/virtual-machines/{id}/', args),
    );
  },
  /** Deletes the object and its secrets (the server refuses unless the caller may delete each of them). */
  deleteObject: async ({ kind, id }: Place) => {
    const params = { path: { id } };
    return unwrap(
      kind === 'dcim.device'
        ? await api.DELETE('/api/dcim/devices/{id}/', { params })
        : await api.DELETE('/api/virtualization/virtual-machines/{id}/', { params }),
    );
  },

  userKeys: async () => unwrap(await api.GET(`${P}/user-keys/`, { params: { query: ALL } })).results,
  createUserKey: async (publicKey: string) =>
    unwrap(await api.POST(`${P}/user-keys/`, { body: untypedBody({ public_key: publicKey }) })),
  replaceUserKey: async (id: number, publicKey: string) =>
    unwrap(
      await api.PATCH(`${P}/user-keys/{id}/`, {
        params: { path: { id } },
        body: untypedBody({ public_key: publicKey }),
      }),
    ),
  activateUserKeys: async (privateKey: string, ids: number[]) =>
    unwrap(
      await api.POST(`${P}/user-keys/activate/`, {
        body: untypedBody({ private_key: privateKey, user_key_ids: ids }),
      }),
    ),

  /** The user's session key, if one exists (404 when none: answered as null). */
  sessionKey: async (): Promise<NetboxSessionKey | null> => {
    const result = await api.GET(`${P}/session-key/`);
    if (result.response.status === 404) return null;
    return unwrap(result);
  },
  /**
   * Unlocks: the private key goes to the server once, which opens the master key with it and answers with a new
   * session key, set as the plugin's HttpOnly cookie. The answer's copy of the key is dropped here.
   */
  unlock: async (privateKey: string) => {
    const made = unwrap(await api.POST(`${P}/session-key/`, { body: untypedBody({ private_key: privateKey }) }));
    return { ...made, session_key: null };
  },
  lock: async () => unwrap(await api.DELETE(`${P}/session-key/`)),
};
