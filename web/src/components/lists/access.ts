import type { Access } from '../../session.tsx';

/**
 * May the user do `action` on list `listId` (a grant for every list, or one naming it)? Without an id, a grant for
 * every list is needed: creating a list is `add` without an object (src/engines/lists/README.md, "Permissions").
 */
export function mayList(access: Access, action: string, listId?: number): boolean {
  const reach = access.object_types.find((t) => t.name === 'lists.list')?.actions.find((a) => a.action === action);
  if (!reach || reach.reach === 'none') return false;
  return reach.reach === 'all' || (listId !== undefined && reach.object_ids.includes(String(listId)));
}
