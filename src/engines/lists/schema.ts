import { MAX_OFFSET, Type } from '../../http/schemas.js';
import { MAX_KEY_CHARS, MAX_NAME_CHARS, MAX_VALUE_CHARS } from './validate.js';

/** Request and response schemas of the lists engine; they feed the OpenAPI document at /api/docs/openapi.json. */
const Timestamp = Type.String({ description: 'ISO-8601 UTC' });

export const ListOut = Type.Object(
  {
    id: Type.Integer({ description: 'Numeric id; usable wherever a list name is' }),
    name: Type.String({ description: 'Unique in the instance' }),
    value_count: Type.Integer({ description: 'Values in the list' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Secret list' },
);

export const ValueOut = Type.Object(
  {
    id: Type.String({ description: 'UUID; usable wherever a key is' }),
    list: Type.String({ description: "The list's name" }),
    secret_key: Type.String({ description: 'Unique in the instance; referenced as ${{secret.KEY}}' }),
    secret_value: Type.String(),
    version: Type.Integer({ description: '1 on creation, +1 on every change' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Secret value' },
);

export const VersionOut = Type.Object({
  version: Type.Integer(),
  secret_key: Type.String(),
  secret_value: Type.String(),
  created_at: Timestamp,
  actor: Type.Union([Type.Integer(), Type.Null()], { description: 'User id that wrote the version' }),
});

export const ErrorOut = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description:
          'invalid, unauthenticated, forbidden, not_found, conflict, too_large, missing_references, malformed_references, …',
      }),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      missing: Type.Optional(
        Type.Array(Type.String(), {
          description: 'missing_references: every reference that is unknown or not readable',
        }),
      ),
      malformed: Type.Optional(Type.Array(Type.String())),
      list: Type.Optional(
        Type.String({ description: 'conflict on a key: the list holding it, when visible to the caller' }),
      ),
    }),
  },
  { title: 'Lists error' },
);

const Name = Type.String({
  maxLength: MAX_NAME_CHARS * 4,
  description: `1-${MAX_NAME_CHARS} characters, not only digits, no "/"`,
});
const Key = Type.String({
  maxLength: MAX_KEY_CHARS * 4,
  description: `[A-Za-z_][A-Za-z0-9_]*, up to ${MAX_KEY_CHARS} characters`,
});
const Value = Type.String({ maxLength: MAX_VALUE_CHARS, description: `Up to ${MAX_VALUE_CHARS} characters` });

export const ListCreateIn = Type.Object(
  { name: Type.Optional(Name) },
  { additionalProperties: false, description: 'Optional: without a name, one is generated' },
);
export const ListRenameIn = Type.Object({ name: Name }, { additionalProperties: false });
export const ValueCreateIn = Type.Object({ secret_key: Key, secret_value: Value }, { additionalProperties: false });
export const ValueUpdateIn = Type.Object(
  { secret_key: Type.Optional(Key), secret_value: Type.Optional(Value) },
  { additionalProperties: false },
);
export const RestoreIn = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const ListParams = Type.Object({
  secretList: Type.String({ minLength: 1, maxLength: 400, description: 'List name or id' }),
});
export const ValueParams = Type.Object({
  secretList: Type.String({ minLength: 1, maxLength: 400, description: 'List name or id' }),
  secretListValue: Type.String({ minLength: 1, maxLength: 400, description: 'Value key or id' }),
});
export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100_000, description: 'At most this many values (default: all)' }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, description: 'Values to skip' })),
});

/** Values per all-values page when the client names no limit, and the most it may ask for: bounded memory. */
export const ALL_VALUES_PAGE = 1000;
export const ALL_VALUES_MAX_PAGE = 10_000;

export const AllValuesQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: ALL_VALUES_MAX_PAGE,
      description: `Values per page (default ${ALL_VALUES_PAGE})`,
    }),
  ),
  after: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The cursor of the next page: take the whole URL from the answer\'s `Link: <…>; rel="next"` header',
    }),
  ),
  offset: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_OFFSET,
      description: 'Values to skip (instead of `after`; slow at depth)',
    }),
  ),
});

/** The largest template, in characters: a 1 MB cloud-init script must render (issue 6). */
export const MAX_TEMPLATE_CHARS = 1024 * 1024;
export const RenderIn = Type.Object(
  {
    template: Type.String({
      maxLength: MAX_TEMPLATE_CHARS,
      description: 'Text with ${{secret.KEY}} references; $${{ is a literal ${{',
    }),
  },
  { additionalProperties: false },
);
export const RenderOut = Type.Object({ rendered: Type.String() });
