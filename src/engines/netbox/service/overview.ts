import type { Caller, OverviewCount } from '../../../core/ports.js';
import { OT } from './context.js';
import type { Services } from './index.js';
import { KINDS, type Kind } from './inventory.js';

const COUNT_ONLY = { limit: 1, offset: 0 };

/** Secrets, devices and virtual machines the caller may view: the lists' own filters and scopes, one row read each. */
export async function netboxOverview(s: Services, caller: Caller): Promise<OverviewCount[]> {
  // The lists answer 403 to a caller with no grant at all; here that is nothing to count.
  const scopeOf = async (objectType: string): Promise<'all' | Set<number> | undefined> => {
    const scope = await s.nc.ctx.permissions.scope(caller, 'view', objectType);
    return scope === 'all' ? 'all' : scope.length ? new Set(scope.map(Number)) : undefined;
  };
  const inventory = async (kind: Kind) => {
    const scope = await scopeOf(kind.objectType);
    return scope ? (await s.inventory.list(kind, {}, COUNT_ONLY, scope)).count : 0;
  };
  const secrets = await scopeOf(OT.secret);
  return [
    { what: 'secrets', count: secrets ? (await s.secrets.list({}, COUNT_ONLY, secrets)).count : 0 },
    { what: 'devices', count: await inventory(KINDS['dcim.device']) },
    { what: 'virtual machines', count: await inventory(KINDS['virtualization.virtualmachine']) },
  ];
}
