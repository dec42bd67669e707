import { Type } from '../../http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Query parameters of /v1/secrets/: `app_id` and `env` pick the environment; the rest filter a GET. */
export const SecretsQuery = Type.Object({
  app_id: Type.Optional(Type.String({ maxLength: 100, description: 'App id (UUID)' })),
  env: Type.Optional(Type.String({ maxLength: 64, description: 'Environment name, case-insensitive' })),
  secret_id: Type.Optional(
    Type.String({
      maxLength: 100,
      description: "A secret id: its environment, before app_id and env (or 'Secret-Id')",
    }),
  ),
  path: Type.Optional(Type.String({ maxLength: 1024, description: 'Exact folder, e.g. /backend; absent = all paths' })),
  key: Type.Optional(Type.String({ maxLength: 256, description: 'Key, case-insensitive' })),
  tags: Type.Optional(Type.String({ maxLength: 4000, description: 'Comma-separated tag names; a secret matches ANY' })),
});

/** `GET /v1/secrets/{id}/history/`: `latest=1` answers only the current version (as written, references kept). */
export const HistoryQuery = Type.Object({
  ...SecretsQuery.properties,
  latest: Type.Optional(
    Type.Union([Type.Literal('1'), Type.Literal('0')], { description: '1: only the current version' }),
  ),
});

/** The end-to-end API's fallback when no `Environment` header is sent. */
export const EnvQuery = Type.Object({
  app_id: SecretsQuery.properties.app_id,
  env: SecretsQuery.properties.env,
  secret_id: SecretsQuery.properties.secret_id,
});

export const Override = Type.Object({
  id: Type.String(),
  value: Type.String(),
  isActive: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SecretOut = Type.Object({
  id: Type.String(),
  key: Type.String(),
  value: Type.String({ description: 'Plaintext with ${…} references resolved' }),
  comment: Type.String(),
  tags: Type.Array(Type.String()),
  override: Nullable(Override),
  type: Type.String(),
  lifecycle: Type.String(),
  path: Type.String(),
  keyDigest: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  environment: Type.String(),
  folder: Nullable(Type.String()),
});

export const SecretList = Type.Array(SecretOut);
export const Message = Type.Object({ message: Type.String() });

export const AppOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  sseEnabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const EnvOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  envType: Type.String(),
  index: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const AppWithEnvs = Type.Object({ ...AppOut.properties, environments: Type.Array(EnvOut) });
export const IdParam = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const AppIdQuery = Type.Object({ app_id: Type.Optional(Type.String({ maxLength: 100 })) });

export const VersionOut = Type.Object({
  version: Type.Integer(),
  key: Type.String(),
  value: Type.String({ description: 'As stored in that version (references not resolved)' }),
  comment: Type.String(),
  path: Type.String(),
  type: Type.String(),
  tags: Type.Array(Type.String()),
  createdAt: Type.String(),
  actor: Nullable(Type.Integer()),
});

/** `{"error": …}`, with `index` (and `field`) naming the refused entry of a batch. */
export const PhaseErrorOut = Type.Object(
  {
    error: Type.String(),
    index: Type.Optional(Type.Integer({ description: "Position of the refused entry in 'secrets'" })),
    field: Type.Optional(Type.String({ description: 'The refused field of that entry' })),
  },
  { title: 'Phase error' },
);

export const AliveOut = Type.Object({ message: Type.String(), status: Type.String() });
export const HealthOut = Type.Object({ status: Type.String(), version: Type.String() });

export const MintedTokenOut = Type.Object({
  id: Type.Integer({ description: 'Token id: revoke with DELETE /api/users/tokens/{id}/' }),
  user: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    kind: Type.Union([Type.Literal('person'), Type.Literal('service')]),
  }),
  token: Type.String({ description: 'pss_user:v1:… or pss_service:v2:…; shown once' }),
  bearer_token: Type.String({
    description: 'The Authorization value for /v1: User <bearer> or ServiceAccount <bearer>',
  }),
  scope: Nullable(
    Type.Object(
      { apps: Type.Array(Type.String()), environments: Type.Array(Type.String()) },
      { description: 'null: whatever the owner may reach' },
    ),
  ),
});

/** Request headers of the end-to-end API (docs/wire/phase.md §5.2); all optional, read by the handlers. */
export const EnvHeader = Type.Object({
  'secret-id': Type.Optional(Type.String({ description: 'A secret id: its environment, before any other' })),
  environment: Type.Optional(Type.String({ description: 'Environment id; else app_id and env in the query' })),
});
export const ListHeaders = Type.Object({
  ...EnvHeader.properties,
  keydigest: Type.Optional(Type.String({ description: 'Only the secret with this key digest' })),
  path: Type.Optional(Type.String({ description: 'Only this folder' })),
  tags: Type.Optional(Type.String({ description: 'Comma-separated tag names; a secret matches any' })),
  'x-use-camel-case': Type.Optional(
    Type.String({ description: 'true for camelCase fields (the SDKs); snake_case otherwise (the CLI)' }),
  ),
});

const sealed = (field: string) => Type.String({ description: `${field}, sealed to the environment key (ph:v1:…)` });
const E2eeCamel = Type.Object(
  {
    ...SecretOut.properties,
    key: sealed('Key'),
    value: sealed('Value, references as written'),
    comment: sealed('Comment'),
    override: Nullable(Type.Object({ ...Override.properties, value: sealed('Override value') })),
  },
  { title: 'E2EE secret (camelCase)' },
);
const E2eeSnake = Type.Object(
  {
    id: Type.String(),
    key: sealed('Key'),
    value: sealed('Value, references as written'),
    comment: sealed('Comment'),
    tags: Type.Array(Type.String()),
    override: Nullable(
      Type.Object({
        id: Type.String(),
        value: sealed('Override value'),
        is_active: Type.Boolean(),
        created_at: Type.String(),
        updated_at: Type.String(),
      }),
    ),
    type: Type.String(),
    lifecycle: Type.String(),
    path: Type.String(),
    key_digest: Type.String(),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    environment: Type.String(),
    folder: Nullable(Type.String()),
  },
  { title: 'E2EE secret (snake_case)' },
);
export const E2eeSecretList = Type.Union([Type.Array(E2eeSnake), Type.Array(E2eeCamel)]);

/** `GET /service/secrets/tokens/`: the caller's key share and, per app, the environment keys wrapped to it. */
export const TokenInfoOut = Type.Object({
  wrapped_key_share: Type.String(),
  // Strings, as Phase's UUIDs are: the golang-sdk decodes them into Go strings and fails on a number.
  user_id: Type.Optional(Type.String({ description: "For a person: the user's id, as text" })),
  account_id: Type.Optional(Type.String({ description: 'For a service account: its user id, as text' })),
  // Optional only so that fast-json-stringify keeps the order above: they are always there.
  offline_enabled: Type.Optional(Type.Boolean()),
  organisation: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
  apps: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        encryption: Type.Union([Type.Literal('SSE'), Type.Literal('E2E')]),
        environment_keys: Type.Array(
          Type.Object({
            id: Type.String(),
            environment: Type.Object({
              id: Type.String(),
              name: Type.String(),
              env_type: Type.String(),
              index: Type.Integer(),
              created_at: Type.String(),
              updated_at: Type.String(),
            }),
            paths: Type.Null(),
            identity_key: Type.String({ description: "The environment's public key (hex)" }),
            wrapped_seed: Type.String({ description: "The environment's seed sealed to the token's public key" }),
            wrapped_salt: Type.String(),
            user: Nullable(Type.String()),
            service_account: Nullable(Type.String()),
            created_at: Type.String(),
            updated_at: Type.String(),
            deleted_at: Type.Null(),
          }),
        ),
      }),
    ),
  ),
});

/** Writes of the end-to-end API answer 200 with an empty body, as Phase does: nothing is serialized. */
export const EmptyOut = Type.Unsafe<undefined>({ type: 'null', description: 'Empty body' });
