import { NetboxErrorOut, NetboxListQuery } from '../../http/netbox-rest.js';
import { paginated, Type } from '../../http/schemas.js';

/**
 * Response schemas (fast-json-stringify whitelists and the OpenAPI document). One schema serves the full and the
 * `?brief=1` forms, and for secrets and roles the plugin and the legacy forms: fields that some forms lack are
 * optional, and the property order is the one every form shares. Request bodies are checked by `validate.ts`, which
 * answers with NetBox's field messages. fast-json-stringify writes required properties first, so only the leading
 * ones are required: the rest keep the original's order.
 */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Opt = Type.Optional;
const Str = Type.String();
const Int = Type.Integer();
const Tags = Type.Array(Type.Object({ id: Int, url: Str, name: Str, slug: Str, color: Str }));
const CustomFields = Type.Object({}, { additionalProperties: true });

export const NestedObject = Type.Object({
  id: Int,
  url: Str,
  display: Str,
  name: Str,
  description: Opt(Str),
  display_name: Opt(Str),
});

export const RoleOut = Type.Object({
  id: Int,
  url: Str,
  display_url: Opt(Str),
  display: Opt(Str),
  name: Opt(Str),
  slug: Opt(Str),
  parent: Opt(
    Nullable(Type.Object({ id: Int, url: Str, display_url: Str, display: Str, name: Str, slug: Str, _depth: Int })),
  ),
  description: Opt(Str),
  tags: Opt(Tags),
  custom_fields: Opt(CustomFields),
  created: Opt(Str),
  last_updated: Opt(Str),
  secret_count: Opt(Int),
  owner: Opt(Type.Null()),
  comments: Opt(Str),
  _depth: Opt(Int),
});

export const SecretOut = Type.Object({
  id: Int,
  url: Str,
  display: Str,
  device: Opt(Nullable(NestedObject)),
  assigned_object_type: Opt(Str),
  assigned_object_id: Opt(Int),
  assigned_object: Opt(Nullable(NestedObject)),
  role: Opt(RoleOut),
  name: Opt(Str),
  plaintext: Opt(Nullable(Type.String({ description: 'Filled only with a valid X-Session-Key (or session cookie)' }))),
  hash: Opt(Type.String({ description: 'Django pbkdf2_sha256 hash of the plaintext' })),
  description: Opt(Str),
  comments: Opt(Str),
  tags: Opt(Tags),
  custom_fields: Opt(CustomFields),
  created: Opt(Str),
  last_updated: Opt(Str),
});

/** The legacy API's answer to a write: related objects as pks (serializers.ts `legacySecretWriteJson`). */
export const LegacySecretWriteOut = Type.Object({
  id: Int,
  device: Nullable(Int),
  role: Int,
  name: Str,
  plaintext: Nullable(Str),
  hash: Str,
  created: Type.String({ description: 'A date, as NetBox 2.x renders it' }),
  last_updated: Str,
  assigned_object_type: Str,
  assigned_object_id: Int,
});

export const UserKeyOut = Type.Object({
  id: Int,
  url: Str,
  display_url: Opt(Str),
  display: Opt(Str),
  user: Opt(Type.Object({ id: Int, url: Str, display: Str, username: Str })),
  public_key: Opt(Str),
  is_active: Opt(Type.Boolean()),
  is_filled: Opt(Type.Boolean()),
  created: Opt(Str),
  last_updated: Opt(Str),
  tags: Opt(Tags),
  custom_fields: Opt(CustomFields),
});

export const SessionKeyOut = Type.Object({
  id: Int,
  userkey: Type.Object({ id: Int, url: Str, display: Str }),
  session_key: Nullable(Type.String({ description: 'base64; only in the answer that created or recovered it' })),
  created: Str,
});

export const KeyPairOut = Type.Object({ public_key: Str, private_key: Str, key_size: Opt(Int) });
export const LegacySessionKeyOut = Type.Object({ session_key: Str });
export const ActivateOut = Type.Object({ message: Str, activated_count: Int, activated_keys: Type.Array(Int) });

export const InventoryOut = Type.Object({
  id: Int,
  url: Str,
  display_url: Opt(Str),
  display: Opt(Str),
  name: Opt(Str),
  description: Opt(Str),
  created: Opt(Str),
  last_updated: Opt(Str),
  tags: Opt(Tags),
  custom_fields: Opt(CustomFields),
});

export const GraphqlOut = Type.Object({
  data: Opt(Nullable(Type.Record(Str, Type.Unknown(), { description: 'The query result, shaped as the query asks' }))),
  errors: Opt(Type.Array(Type.Object({}, { additionalProperties: true }))),
});

export const Root = Type.Record(Type.String(), Type.String({ description: 'Absolute URL of the endpoint' }), {
  description: 'Endpoint name → URL',
});

/** Besides NetBox's `{"detail"}` and field errors, the secrets views answer a bare list, `{"error"}` or text. */
export const SecretsErrorOut = {
  description: 'NetBox error',
  content: {
    'application/json': { schema: Type.Union([...NetboxErrorOut.anyOf, Type.Array(Str), Type.Object({ error: Str })]) },
    'text/plain': {
      schema: Type.String({ description: 'Plain text (GraphQL credentials) or HTML-typed text (session-key views)' }),
    },
  },
};

/**
 * Query strings as Fastify parses them: a repeated parameter arrives as a list (NetBox ORs the values). These
 * schemas only type and document the parameters: every value passes, so the handlers answer bad ones with NetBox's
 * own messages. Filters beyond the listed parameters are allowed (docs/wire/netbox.md §3.0 "Filters").
 */
const QueryValue = Type.Union([Str, Type.Array(Str)]);
export const BriefQuery = Type.Object({ brief: Opt(QueryValue) });
export const ListQuery = NetboxListQuery;
const Omit = Opt(
  Type.Union([Str, Type.Array(Str)], {
    description: 'Fields to leave out, comma-separated (NetBox 4.x); `plaintext` also skips decrypting',
  }),
);
export const SecretListQuery = Type.Object({ ...ListQuery.properties, omit: Omit });
export const SecretReadQuery = Type.Object({ ...BriefQuery.properties, omit: Omit });
export const KeySizeQuery = Type.Object({
  key_size: Opt(Type.Union([Str, Type.Array(Str)], { description: 'RSA key size in bits' })),
});
export const PreserveKeyQuery = Type.Object({
  preserve_key: Opt(Type.Union([Str, Type.Array(Str)], { description: 'Any value: keep the existing session key' })),
});
export const GraphqlQuery = Type.Object({
  query: Opt(QueryValue),
  variables: Opt(QueryValue),
  operationName: Opt(QueryValue),
});

export const oneOrMany = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Union([item, Type.Array(item)]);
export { paginated };
