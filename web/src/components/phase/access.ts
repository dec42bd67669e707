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

/**
 * Sealed secrets are write-once (docs/wire/phase.md §1.3: a new value is dropped): the console neither reveals nor
 * copies them, and does not offer their value for editing (Phase's own console hides them too).
 */
export const isSealed = (s: { type: string }) => s.type === 'sealed';
