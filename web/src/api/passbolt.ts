import { api, untypedBody } from './client.ts';
import { unwrap } from './errors.ts';

// Typed by what the client answers (which leaves out the properties whose schema is only `null`, such as Passbolt's
// constant `disabled` and `folder_parent_id`).
export type PassboltResource = Awaited<ReturnType<typeof passbolt.resources>>[number];
export type PassboltUser = NonNullable<Awaited<ReturnType<typeof passbolt.me>>>;
export type PassboltPermission = Awaited<ReturnType<typeof passbolt.permissions>>[number];

/** Passbolt's permission types (docs/wire/passbolt.md): read, update, owner. */
export const PERMISSION_TYPES = { 1: 'can read', 7: 'can update', 15: 'is owner' } as const;
export type PermissionType = keyof typeof PERMISSION_TYPES;

/** The clear-text fields of a resource (v4 resource metadata is not encrypted). */
export interface ResourceFields {
  name: string;
  username: string;
  uri: string;
}
/** One user's OpenPGP copy of a resource's secret, made in the browser. */
export interface SecretCopy {
  user_id: string;
  data: string;
}
/** A share change: a new holder, or an existing permission changed or removed. */
export type ShareChange =
  | { aro: 'User' | 'Group'; aro_foreign_key: string; aco: 'Resource'; aco_foreign_key: string; type: PermissionType }
  | { id: string; type?: PermissionType; delete?: true };

const body = <T>(b: { body: T }) => b.body;

/**
 * Passbolt's JSON API with the console's session cookie (the core's session: the engine's authenticator leaves any
 * credential that is not a JWT to the core). Every secret the server hands out is an OpenPGP message for the user;
 * decrypting and encrypting happen in the browser (passbolt-pgp.ts).
 */
export const passbolt = {
  /** The user's Passbolt account, or null before they registered a key (Passbolt users are users with a key). */
  me: async () => {
    const result = await api.GET('/users/{id}.json', { params: { path: { id: 'me' } } });
    if (result.response.status === 404) return null;
    return body(unwrap(result));
  },
  /** Registers the user's own public key (beyond Passbolt; the server refuses a second one). */
  registerKey: async (armoredKey: string) =>
    body(unwrap(await api.POST('/gpgkeys.json', { body: untypedBody({ armored_key: armoredKey }) }))),
  resources: async () =>
    body(
      unwrap(
        await api.GET('/resources.json', {
          params: { query: { 'contain[permission]': '1', 'contain[resource-type]': '1', 'contain[creator]': '1' } },
        }),
      ),
    ),
  resourceTypes: async () => body(unwrap(await api.GET('/resource-types.json'))),
  /** The user's copy of the secret: an armored OpenPGP message (fetching it is an audited read). */
  secret: async (id: string) =>
    body(unwrap(await api.GET('/secrets/resource/{id}.json', { params: { path: { id } } }))).data,
  users: async () => body(unwrap(await api.GET('/users.json'))),
  /** Every group (every user sees them all), to share with and to name a group's permission. */
  groups: async () => body(unwrap(await api.GET('/groups.json'))),
  usersWithAccess: async (id: string) =>
    body(unwrap(await api.GET('/users.json', { params: { query: { 'filter[has-access]': id } } }))),
  permissions: async (id: string) =>
    body(unwrap(await api.GET('/permissions/resource/{id}.json', { params: { path: { id } } }))),
  create: async (fields: ResourceFields & { resource_type_id: string; description?: string }, data: string) =>
    body(unwrap(await api.POST('/resources.json', { body: untypedBody({ ...fields, secrets: [{ data }] }) }))),
  update: async (id: string, fields: ResourceFields, secrets: SecretCopy[] | undefined) =>
    body(
      unwrap(
        await api.PUT('/resources/{id}.json', {
          params: { path: { id } },
          body: untypedBody(secrets ? { ...fields, secrets } : fields),
        }),
      ),
    ),
  remove: async (id: string) => unwrap(await api.DELETE('/resources/{id}.json', { params: { path: { id } } })),
  /** The dry run: which users a share would add and remove, writing nothing. */
  simulateShare: async (id: string, permissions: ShareChange[]) =>
    body(
      unwrap(
        await api.POST('/share/simulate/resource/{id}.json', {
          params: { path: { id } },
          body: untypedBody({ permissions }),
        }),
      ),
    ).changes,
  share: async (id: string, permissions: ShareChange[], secrets: SecretCopy[]) =>
    unwrap(
      await api.PUT('/share/resource/{id}.json', {
        params: { path: { id } },
        body: untypedBody({ permissions, secrets }),
      }),
    ),
};
