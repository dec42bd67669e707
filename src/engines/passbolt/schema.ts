import { Type, type TSchema } from '../../http/schemas.js';

/**
 * Passbolt's wire objects as schemas: the OpenAPI document's answers and, through fast-json-stringify, the field
 * whitelist of every answer, so each serializer in serializers.ts has its schema here with the same fields in the
 * same order (required fields are written first, so the optional ones all come last).
 */
const Str = Type.String();
const Uuid = Type.String({ description: 'UUID' });
const Time = Type.String({ description: 'ISO-8601 with seconds and +00:00' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The envelope every Passbolt answer uses. */
export const Header = Type.Object({
  id: Type.String({ description: 'A fresh UUID per response' }),
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  servertime: Type.Integer({ description: 'Unix time in seconds' }),
  title: Type.String({ description: 'Deprecated by Passbolt: app_<controller>_<action>_<status>' }),
  action: Type.String({ description: 'UUID v5 naming the action' }),
  message: Type.String(),
  url: Type.String(),
  code: Type.Integer(),
});

/** A success answer: the envelope around `body`, Passbolt's `{header, body}`. */
export const envelope = <T extends TSchema>(body: T) => ({ 200: Type.Object({ header: Header, body }) });

/** Every error: `body` is null, or for a validation error the problems as field → rule → message (nested). */
export const ErrorEnvelope = Type.Object(
  {
    header: Header,
    body: Nullable(
      Type.Record(Str, Type.Unknown(), { description: 'field → rule → message; nested for associations' }),
    ),
  },
  { title: 'Passbolt error' },
);

export const Resource = Type.Object({
  id: Uuid,
  name: Str,
  username: Nullable(Str),
  uri: Nullable(Str),
  description: Nullable(Type.String({ description: 'Empty for the types that keep the description in the secret' })),
  deleted: Type.Boolean(),
  created: Time,
  modified: Time,
  created_by: Uuid,
  modified_by: Uuid,
  resource_type_id: Uuid,
  expired: Nullable(Time),
  folder_parent_id: Type.Null({ description: 'Folders are not implemented: always the root' }),
});

export const Permission = Type.Object({
  id: Uuid,
  aco: Type.String({ description: 'Resource' }),
  aco_foreign_key: Uuid,
  aro: Type.String({ description: 'User' }),
  aro_foreign_key: Uuid,
  type: Type.Integer({ description: '1 read, 7 update, 15 owner' }),
  created: Time,
  modified: Time,
});

export const Secret = Type.Object({
  id: Uuid,
  user_id: Uuid,
  resource_id: Uuid,
  data: Type.String({ description: 'OpenPGP message (armored) encrypted to the user' }),
  created: Time,
  modified: Time,
});

export const Gpgkey = Type.Object({
  id: Uuid,
  user_id: Uuid,
  armored_key: Str,
  bits: Nullable(Type.Integer()),
  uid: Str,
  key_id: Type.String({ description: 'Last 8 hex characters of the fingerprint' }),
  fingerprint: Type.String({ description: '40 upper-case hex characters' }),
  type: Type.String({ description: 'RSA, ECC, …' }),
  expires: Nullable(Time),
  key_created: Time,
  deleted: Type.Boolean(),
  created: Time,
  modified: Time,
});

const Profile = Type.Object({
  id: Uuid,
  user_id: Uuid,
  first_name: Str,
  last_name: Str,
  created: Time,
  modified: Time,
  avatar: Type.Object({ url: Type.Object({ medium: Str, small: Str }) }),
});
const Role = Type.Object({
  id: Uuid,
  name: Type.String({ description: 'admin or user' }),
  description: Str,
  created: Time,
  modified: Time,
});

/** A user as contained in a resource (creator, modifier, permission holder): without role and key. */
export const BriefUser = Type.Object({
  id: Uuid,
  role_id: Uuid,
  username: Str,
  active: Type.Boolean(),
  deleted: Type.Boolean(),
  disabled: Type.Null(),
  created: Time,
  modified: Time,
  last_logged_in: Nullable(Time),
  is_mfa_enabled: Type.Boolean(),
  profile: Profile,
});

export const User = Type.Object({ ...BriefUser.properties, role: Role, gpgkey: Nullable(Gpgkey) });

export const ResourceType = Type.Object({
  id: Uuid,
  slug: Str,
  name: Str,
  description: Str,
  definition: Type.Object({
    resource: Type.Record(Str, Type.Unknown(), { description: 'JSON Schema of the resource fields' }),
    secret: Type.Record(Str, Type.Unknown(), { description: 'JSON Schema of the decrypted secret' }),
  }),
  created: Time,
  modified: Time,
});

export const Group = Type.Object({
  id: Uuid,
  name: Str,
  deleted: Type.Boolean(),
  created: Time,
  modified: Time,
  created_by: Uuid,
  modified_by: Uuid,
});
export const GroupUser = Type.Object({
  id: Uuid,
  group_id: Uuid,
  user_id: Uuid,
  is_admin: Type.Boolean({ description: 'A group manager: may change the members' }),
  created: Time,
});
/** A group with what `contain[…]` asked for. */
export const GroupWithContain = Type.Object({
  ...Group.properties,
  groups_users: Type.Optional(
    Type.Array(Type.Object({ ...GroupUser.properties, user: Type.Optional(Nullable(User)) })),
  ),
  my_group_user: Type.Optional(Nullable(GroupUser)),
  modifier: Type.Optional(Nullable(BriefUser)),
  creator: Type.Optional(Nullable(BriefUser)),
});
const SecretRef = Type.Object({ resource_id: Uuid, user_id: Uuid });
/** PUT /groups/{id}/dry-run.json, in Passbolt's v1 shape (which the extension reads). */
export const GroupDryRun = Type.Object({
  'dry-run': Type.Object({
    SecretsNeeded: Type.Array(Type.Object({ Secret: SecretRef }), {
      description: 'The copies the update must carry: one per new member and resource they do not hold yet',
    }),
    Secrets: Type.Array(Type.Object({ Secret: Type.Array(Secret) }), {
      description: "The caller's own copies of those resources, to decrypt and encrypt again for the new members",
    }),
  }),
});
/** A group as the share dialog's search shows it. */
export const GroupAro = Type.Object({ ...Group.properties, user_count: Type.Integer() });

/** A permission with what `contain[user]` / `contain[group]` asked for. */
export const PermissionWithHolder = Type.Object({
  ...Permission.properties,
  user: Type.Optional(Nullable(BriefUser)),
  group: Type.Optional(Nullable(Group)),
});

/** A resource with what `contain[…]=1` asked for. */
export const ResourceWithContain = Type.Object({
  ...Resource.properties,
  personal: Nullable(Type.Boolean({ description: 'Set when contain[permissions]: held by one user only' })),
  permission: Type.Optional(Permission),
  permissions: Type.Optional(
    Type.Array(
      Type.Object({
        ...Permission.properties,
        user: Type.Optional(Nullable(BriefUser)),
        group: Type.Optional(Nullable(Group)),
      }),
    ),
  ),
  secrets: Type.Optional(Type.Array(Secret, { description: "The caller's copy, if any" })),
  creator: Type.Optional(Nullable(BriefUser)),
  modifier: Type.Optional(Nullable(BriefUser)),
  resource_type: Type.Optional(Nullable(ResourceType)),
});

export const ResourceCreated = Type.Object({ ...Resource.properties, permission: Permission });

const UserRef = Type.Object({ User: Type.Object({ id: Uuid }) });
export const ShareSimulation = Type.Object({
  changes: Type.Object({ added: Type.Array(UserRef), removed: Type.Array(UserRef) }),
});

export const ServerKey = Type.Object({
  fingerprint: Str,
  keydata: Type.String({ description: "The server's OpenPGP public key (armored)" }),
});
export const JwtKey = Type.Object({ keydata: Type.String({ description: 'RS256 public key (PEM)' }) });
export const Jwks = Type.Object({ keys: Type.Array(Type.Object({ kty: Str, n: Str, e: Str, alg: Str, use: Str })) });
export const LoginChallenge = Type.Object({
  challenge: Type.String({
    description: 'OpenPGP message to the user, signed by the server: the tokens and the verify token',
  }),
});
export const Tokens = Type.Object({
  access_token: Str,
  refresh_token: Type.String({ description: 'Also set as the refresh_token cookie' }),
});
export const NoBody = Type.Null();

export const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
/**
 * Passbolt's query options are flat bracketed keys (`contain[secret]=1`, `filter[has-id][]=…`), read by the service.
 * Each value is bounded; the known keys are listed for the document, and any other key is accepted alike.
 */
const QueryValue = () =>
  Type.Union([Type.String({ maxLength: 256 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })]);
const option = (description: string) => Type.Optional(Type.Union(QueryValue().anyOf, { description }));
const query = (options: Record<string, string>) =>
  Type.Object(Object.fromEntries(Object.entries(options).map(([key, description]) => [key, option(description)])), {
    additionalProperties: QueryValue(),
  });
const CONTAIN = {
  'contain[secret]': "1: with the caller's secret copy",
  'contain[permission]': "1: with the caller's permission",
  'contain[permissions]': '1: with every permission',
  'contain[permissions.user]': '1: with every permission and its user',
  'contain[permissions.user.profile]': '1: as contain[permissions.user]',
  'contain[creator]': '1: with the creator',
  'contain[modifier]': '1: with the last modifier',
  'contain[resource-type]': '1: with the resource type',
};
export const ContainQuery = query(CONTAIN);
export const ResourcesQuery = query({
  ...CONTAIN,
  'filter[has-id][]': 'Only these resource ids (repeatable)',
  'filter[is-owned-by-me]': '1: only resources the caller owns',
  'filter[is-shared-with-me]': '1: only resources shared with the caller',
  'filter[search]': 'Only resources whose name contains this text (case-insensitive)',
  'filter[is-shared-with-group]': 'Only resources this group holds a permission on',
});
export const UsersQuery = query({
  'filter[has-access]': 'Only the users holding this resource id',
  'filter[search]': 'Only users whose username or name contains this text',
});

export const GroupsQuery = query({
  'contain[groups_users]': '1: with the members (also contain[group_user], the older name)',
  'contain[groups_users.user]': '1: with the members and their users',
  'contain[groups_users.user.profile]': '1: as contain[groups_users.user]',
  'contain[my_group_user]': "1: with the caller's own membership",
  'contain[modifier]': '1: with the last modifier',
  'filter[has-users][]': 'Only groups with all these members (repeatable)',
  'filter[has-managers][]': 'Only groups these users manage (repeatable)',
});

export const tags = ['passbolt'];

export const PermissionQuery = query({
  'contain[user]': '1: with each holder',
  'contain[user.profile]': '1: as contain[user]',
  'contain[group]': '1: with each group (null for a user)',
});
export const SearchArosQuery = query({
  'filter[search]': 'Users whose username or name, and groups whose name, contains this text',
  'contain[gpgkey]': 'accepted; users always come with their key',
  'contain[role]': 'accepted; users always come with their role',
  'contain[groups_users]': 'accepted',
  'contain[user_count]': 'accepted; groups always come with their member count',
});
