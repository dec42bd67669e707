import { Type } from '../../http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Query parameters of /v1/secrets/: `app_id` and `env` pick the environment; the rest filter a GET. */
export const SecretsQuery = Type.Object({
  app_id: Type.Optional(Type.String({ maxLength: 100, description: 'App id (UUID)' })),
  env: Type.Optional(Type.String({ maxLength: 64, description: 'Environment name, case-insensitive' })),
  path: Type.Optional(Type.String({ maxLength: 1024, description: 'Exact folder, e.g. /backend; absent = all paths' })),
  key: Type.Optional(Type.String({ maxLength: 256, description: 'Key, case-insensitive' })),
  tags: Type.Optional(Type.String({ maxLength: 4000, description: 'Comma-separated tag names; a secret matches ANY' })),
});

export const Override = Type.Object({ id: Type.String(), value: Type.String(), isActive: Type.Boolean(), createdAt: Type.String(), updatedAt: Type.String() });

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
