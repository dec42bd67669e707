import { randomUUID } from 'node:crypto';
import type { HushClient } from './http.js';
import { targetQuery, type Target } from './target.js';

export interface UpsertItem {
  key: string;
  value: string;
  path: string;
  comment?: string;
  tags?: string[];
}

export interface ImportResult {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  secrets: { key: string; path: string; outcome: 'create' | 'update' | 'unchanged' }[];
}

/**
 * POST /v1/secrets/import/: every item created or updated in one transaction, or (dry run) only the plan. It carries
 * an Idempotency-Key, so when the connection breaks after the request left, the client sends it again and a server
 * that already applied it answers from its record: the import is applied once.
 */
export function importItems(
  client: HushClient,
  target: Target,
  items: UpsertItem[],
  dryRun: boolean,
  extra: { onUpload?: (sent: number, total: number) => void; describeItem?: (index: number) => string } = {},
): Promise<ImportResult> {
  return client.request<ImportResult>('POST', '/v1/secrets/import/', {
    query: targetQuery(target),
    body: { secrets: items, dry_run: dryRun },
    ...(extra.onUpload ? { onUpload: extra.onUpload } : {}),
    ...(extra.describeItem ? { describeItem: extra.describeItem } : {}),
    idempotencyKey: randomUUID(),
    howToCheck: `"hush secrets list --app ${target.appName} --env ${target.envName}" (running the same command again is safe: what was applied shows as unchanged)`,
  });
}
