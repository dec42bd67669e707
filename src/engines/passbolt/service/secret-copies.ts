import { nowIso } from '../../../core/ports.js';
import type { RuleFailure } from '../errors.js';
import { checkSecretMessage } from '../openpgp.js';
import type { SecretRow } from '../repo.js';
import { isUuid, type PassboltContext } from './context.js';

/**
 * Checks submitted secret copies against the accounts in `expected` (exactly one copy each, encrypted to that
 * user's key) and seals them. All OpenPGP and keyring work happens here, before any transaction
 * (docs/architecture.md §12).
 * A copy for someone outside `expected`, or a repeated one, fails `has_resource_access`; a missing one `missing`.
 */
export async function prepareSecretCopies(
  pc: PassboltContext,
  resourceId: string,
  items: { user_id?: unknown; data?: unknown }[],
  expected: readonly string[],
  missing: RuleFailure,
): Promise<{ rows: SecretRow[]; failures: RuleFailure[] }> {
  const failures: RuleFailure[] = [];
  const seen = new Set<string>();
  const keys = new Map(
    (await pc.repo.keysOf(expected)).map((k) => [k.account_id, JSON.parse(k.encryption_key_ids) as string[]]),
  );
  for (const [i, item] of items.entries()) {
    const userId = isUuid(item.user_id) ? item.user_id.toLowerCase() : undefined;
    if (!userId) {
      failures.push({
        path: `secrets.${i}.user_id`,
        rule: 'uuid',
        message: 'The user identifier should be a valid UUID.',
      });
      continue;
    }
    if (!expected.includes(userId) || seen.has(userId)) {
      failures.push({ path: `secrets.${i}.user_id`, rule: 'has_resource_access', message: 'Access denied.' });
      continue;
    }
    seen.add(userId);
    failures.push(...(await checkSecretMessage(`secrets.${i}.data`, item.data, keys.get(userId) ?? [])));
  }
  if (!failures.length && expected.some((id) => !seen.has(id))) failures.push(missing);
  const rows: SecretRow[] = [];
  if (failures.length) return { rows, failures };
  const now = nowIso();
  for (const item of items) {
    const id = pc.newId();
    rows.push({
      id,
      resource_id: resourceId,
      user_id: String(item.user_id).toLowerCase(),
      data_ct: await pc.sealSecret(id, item.data as string),
      created: now,
      modified: now,
    });
  }
  return { rows, failures };
}
