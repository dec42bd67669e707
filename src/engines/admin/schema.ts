import {
  Action,
  IsoDateTime,
  LongText,
  ObjectType,
  PageQuery,
  Password,
  ShortText,
  Type,
  Username,
} from '../../http/schemas.js';
import { NetboxListQuery } from '../../http/netbox-rest.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const NestedUser = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  display: Type.String(),
  username: Type.String(),
});

export const UserOut = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  display: Type.String(),
  username: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  kind: Type.String({ description: '`person` or `service` (a service account)' }),
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean(),
  is_active: Type.Boolean(),
  date_joined: Type.String(),
  last_login: Nullable(Type.String()),
  has_password: Type.Boolean(),
  groups: Type.Array(Type.Never()),
  permissions: Type.Array(Type.Never()),
});

const userFields = {
  username: Username,
  password: Password,
  first_name: Type.String({ maxLength: 150 }),
  last_name: Type.String({ maxLength: 150 }),
  email: Type.String({ maxLength: 254, format: 'email' }),
  kind: Type.Union([Type.Literal('person'), Type.Literal('service')]),
  is_superuser: Type.Boolean(),
  is_staff: Type.Boolean({ description: 'Accepted for NetBox compatibility; same as is_superuser' }),
  is_active: Type.Boolean(),
};

export const UserCreate = Type.Object(
  { ...Type.Partial(Type.Object(userFields)).properties, username: Username },
  { additionalProperties: false },
);
export const UserUpdate = Type.Partial(Type.Object(userFields), { additionalProperties: false });
/** Users, tokens and permissions lists: paging plus NetBox's filters (src/core/identity/list-filters.ts). */
export const AdminListQuery = NetboxListQuery;

export const TokenOut = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  display: Type.String(),
  user: NestedUser,
  created: Type.String(),
  expires: Nullable(Type.String()),
  last_used: Nullable(Type.String()),
  write_enabled: Type.Boolean(),
  enabled: Type.Boolean(),
  description: Type.String(),
  engine: Nullable(
    Type.String({ description: 'The one engine whose API the token works on (its routes only), or null for all' }),
  ),
  key: Type.Optional(Type.String({ description: 'Only in the response that created the token' })),
});

/** `user` accepts an id or `{"id": n}`, as NetBox's related fields do. */
const UserRef = Type.Union([
  Type.Integer({ minimum: 1 }),
  Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
]);

const tokenFields = {
  expires: Nullable(IsoDateTime),
  write_enabled: Type.Boolean(),
  enabled: Type.Boolean(),
  description: ShortText,
};
export const TokenCreate = Type.Object(
  {
    user: Type.Optional(UserRef),
    ...Type.Partial(Type.Object(tokenFields)).properties,
    engine: Type.Optional(
      Nullable(
        Type.String({ maxLength: 50, description: 'Confine the token to one engine (`GET /api/status/` lists them)' }),
      ),
    ),
  },
  { additionalProperties: false },
);
export const TokenUpdate = Type.Partial(Type.Object(tokenFields), { additionalProperties: false });

export const ProvisionBody = Type.Object(
  {
    username: Username,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    expires: Type.Optional(Nullable(IsoDateTime)),
    write_enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(ShortText),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { username: Username, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const SessionOut = Type.Object({ user: NestedUser, csrf_token: Type.String(), expires: Type.String() });

const Constraints = Nullable(
  Type.Object(
    { id: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer()]) },
    { additionalProperties: false },
  ),
);

const permissionFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: LongText,
  enabled: Type.Boolean(),
  object_types: Type.Array(ObjectType, { minItems: 1, maxItems: 100, uniqueItems: true }),
  actions: Type.Array(Action, { minItems: 1, maxItems: 20, uniqueItems: true }),
  constraints: Constraints,
  users: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 }),
};
export const PermissionCreate = Type.Object(
  {
    ...Type.Partial(Type.Object(permissionFields)).properties,
    name: permissionFields.name,
    object_types: permissionFields.object_types,
    actions: permissionFields.actions,
  },
  { additionalProperties: false },
);
export const PermissionUpdate = Type.Partial(Type.Object(permissionFields), { additionalProperties: false });

export const PermissionOut = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  display: Type.String(),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  object_types: Type.Array(Type.String()),
  actions: Type.Array(Type.String()),
  constraints: Nullable(Type.Object({ id: Type.String() })),
  users: Type.Array(NestedUser),
  groups: Type.Array(Type.Never()),
  created: Type.String(),
  last_updated: Type.String(),
});

export const AuditQuery = Type.Object({
  ...PageQuery,
  actor: Type.Optional(Type.String({ maxLength: 150, description: 'Username or user id' })),
  engine: Type.Optional(Type.String({ maxLength: 50 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  object_type: Type.Optional(Type.String({ maxLength: 100 })),
  object_id: Type.Optional(Type.String({ maxLength: 200 })),
  since: Type.Optional(IsoDateTime),
  until: Type.Optional(IsoDateTime),
});

export const AuditOut = Type.Object({
  seq: Type.Integer(),
  time: Type.String(),
  actor: Nullable(Type.Object({ id: Type.Integer(), username: Nullable(Type.String()) })),
  token_id: Nullable(Type.Integer()),
  engine: Type.String(),
  action: Type.String(),
  object_type: Nullable(Type.String()),
  object_id: Nullable(Type.String()),
  client_ip: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});
