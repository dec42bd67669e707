import type { Caller, OverviewCount } from '../../../core/ports.js';
import type { AppService } from './apps.js';

/** The apps the caller can see, and the environments of those the console can open (with SSE) that it reaches. */
export async function phaseOverview(apps: AppService, caller: Caller): Promise<OverviewCount[]> {
  const visible = await apps.list(caller);
  const envs = await Promise.all(visible.filter((a) => a.sse_enabled === 1).map((a) => apps.listEnvs(caller, a.id)));
  return [
    { what: 'apps', count: visible.length },
    { what: 'environments', count: envs.reduce((n, e) => n + e.length, 0) },
  ];
}
