import type { Access } from '../../session.tsx';

/** May the user do `action` on the secrets of environment `envId`? (A grant for all, or one naming the env.) */
export function maySecrets(access: Access, action: string, envId: string): boolean {
  const reach = access.object_types.find((t) => t.name === 'phase.secret')?.actions.find((a) => a.action === action);
  return reach?.reach === 'all' || (reach?.object_ids.includes(envId) ?? false);
}

/** May the user do `action` on app `appId` and its environments? */
export function mayApp(access: Access, action: string, appId: string): boolean {
  const reach = access.object_types.find((t) => t.name === 'phase.app')?.actions.find((a) => a.action === action);
  return reach?.reach === 'all' || (reach?.object_ids.includes(appId) ?? false);
}
