import type { Caller, OverviewCount } from '../../../core/ports.js';
import type { PassboltServices } from './index.js';

/** The resources the caller's Passbolt account holds a permission on (none without an account); nothing decrypted. */
export async function passboltOverview(s: PassboltServices, caller: Caller): Promise<OverviewCount[]> {
  const account = await s.pc.accountOf(caller);
  return [{ what: 'resources', count: account ? (await s.pc.repo.visibleResources(account.id)).length : 0 }];
}
