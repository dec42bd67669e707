import { microsIso } from '../../core/ports.js';
import type { AppRow, EnvRow, OverrideRow, SecretRow } from './repo.js';

/**
 * Rows → Phase's camelCase wire objects (docs/wire/phase.md §1, §2.1). Times are rendered as Phase's DRF does, with
 * six fraction digits and `Z` (`"2024-02-13T13:41:45.551255Z"`, the seed; `microsIso`): Hush stores milliseconds.
 */
export function appJson(a: AppRow) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    sseEnabled: a.sse_enabled === 1,
    createdAt: microsIso(a.created_at),
    updatedAt: microsIso(a.updated_at),
  };
}

export function envJson(e: EnvRow) {
  return {
    id: e.id,
    name: e.name,
    envType: e.env_type,
    index: e.position,
    createdAt: microsIso(e.created_at),
    updatedAt: microsIso(e.updated_at),
  };
}

export interface PlainSecret {
  row: SecretRow;
  key: string;
  value: string;
  comment: string;
  tags: string[];
  override: (Pick<OverrideRow, 'id' | 'created_at' | 'updated_at'> & { value: string; isActive: boolean }) | null;
}

/** `lifecycle` is always `static`: Hush has no rotation engine (Phase's `rotating` secrets). */
export function secretJson(s: PlainSecret) {
  return {
    id: s.row.id,
    key: s.key,
    value: s.value,
    comment: s.comment,
    tags: s.tags,
    override: s.override && {
      id: s.override.id,
      value: s.override.value,
      isActive: s.override.isActive,
      createdAt: microsIso(s.override.created_at),
      updatedAt: microsIso(s.override.updated_at),
    },
    type: s.row.type,
    lifecycle: 'static' as const,
    path: s.row.path,
    keyDigest: s.row.key_digest,
    version: s.row.version,
    createdAt: microsIso(s.row.created_at),
    updatedAt: microsIso(s.row.updated_at),
    environment: s.row.environment_id,
    folder: s.row.folder_id,
  };
}

export type SecretJson = ReturnType<typeof secretJson>;
