import type { ListRow, ValueKey, ValueRow } from './repo.js';

/**
 * Rows → wire JSON. NetActuate does not publish its response bodies (docs/wire/lists.md: the seed
 * names requests only), so these shapes are Hush's, fixed by issue 6 and documented in README.md and the OpenAPI.
 */
export interface ListJson {
  id: number;
  name: string;
  value_count: number;
  created_at: string;
  updated_at: string;
}

export interface ValueJson {
  id: string;
  /** The list's name: lists are addressed by name in NetActuate's API. */
  list: string;
  secret_key: string;
  secret_value: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VersionJson {
  version: number;
  secret_key: string;
  secret_value: string;
  created_at: string;
  /** The user id that wrote this version, null for the system. */
  actor: number | null;
}

export const listJson = (r: ListRow): ListJson => ({
  id: r.id,
  name: r.name,
  value_count: r.value_count,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export const valueJson = (
  r: Pick<ValueRow, 'id' | 'list_name' | 'secret_key' | 'version' | 'created_at' | 'updated_at'>,
  secretValue: string,
): ValueJson => ({
  id: r.id,
  list: r.list_name,
  secret_key: r.secret_key,
  secret_value: secretValue,
  version: r.version,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/**
 * The opaque `after` of all-values' next page: the last value's order key, base64url JSON (validate.ts
 * `checkCursor` reads it back). Opaque so that clients follow it rather than build it.
 */
export function pageCursor(key: ValueKey): string {
  return Buffer.from(JSON.stringify([key.list_id, key.created_at, key.id]), 'utf8').toString('base64url');
}
