import type { Caller, ReferenceResolver } from '../../../core/ports.js';
import { MAX_KEY_CHARS } from '../validate.js';
import { valueReads, type ListsContext } from './context.js';

/**
 * `${{ secret.KEY }}` (NetActuate's cloud-init syntax): one query for every key of a template, values of lists the
 * caller may not view left out exactly like unknown keys, one audit entry naming every value revealed.
 */
export function createSecretResolver(lc: ListsContext): ReferenceResolver {
  return {
    kind: 'secret',
    async resolve(names: readonly string[], caller: Caller) {
      const keys = names.filter((n) => n.length <= MAX_KEY_CHARS);
      const values = new Map<string, string>();
      if (!keys.length) return { values, reads: [] };
      const [rows, scope] = await Promise.all([lc.repo.valuesByKeys(keys), lc.scope(caller)]);
      const visible = scope === 'all' ? rows : rows.filter((r) => scope.includes(r.list_id));
      await Promise.all(visible.map(async (r) => values.set(r.secret_key, (await lc.openValue(r)).secret_value)));
      return { values, reads: valueReads(visible, { via: 'render' }) };
    },
  };
}
