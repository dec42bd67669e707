import type { UserRow } from '../../core/ports.js';
import { uuid5 } from './envelope.js';
import type { AccountRow, GpgkeyRow, GroupRow, GroupUserRow, PermissionRow, ResourceRow } from './repo.js';

/**
 * Rows → Passbolt v4 JSON (api-version=v2). Field names and shapes follow passbolt_api's entities
 * (src/Model/Entity/{Resource,Permission,Secret,User,Gpgkey}.php) and passbolt_openapi; quirks are noted inline.
 */

/** Passbolt prints datetimes as ISO-8601 with seconds and `+00:00` (CakePHP FrozenTime::jsonSerialize). */
export function passboltTime(iso: string): string;
export function passboltTime(iso: string | null): string | null;
export function passboltTime(iso: string | null): string | null {
  if (iso === null) return null;
  return `${iso.slice(0, 19)}+00:00`;
}

export const ROLE_USER_ID = uuid5('role.id.user');
export const ROLE_ADMIN_ID = uuid5('role.id.admin');

export function resourceJson(r: ResourceRow) {
  return {
    id: r.id,
    name: r.name,
    username: r.username,
    uri: r.uri,
    description: r.description,
    deleted: r.deleted === 1,
    created: passboltTime(r.created),
    modified: passboltTime(r.modified),
    created_by: r.created_by,
    modified_by: r.modified_by,
    resource_type_id: r.resource_type_id,
    expired: passboltTime(r.expired),
    // Folders are not implemented: every resource sits at the root, as for a user without the folders plugin.
    folder_parent_id: null,
  };
}

export function permissionJson(p: PermissionRow) {
  return {
    id: p.id,
    aco: p.aco,
    aco_foreign_key: p.aco_foreign_key,
    aro: p.aro,
    aro_foreign_key: p.aro_foreign_key,
    type: p.type,
    created: passboltTime(p.created),
    modified: passboltTime(p.modified),
  };
}

export function secretJson(
  s: { id: string; user_id: string; resource_id: string; created: string; modified: string },
  data: string,
) {
  return {
    id: s.id,
    user_id: s.user_id,
    resource_id: s.resource_id,
    data,
    created: passboltTime(s.created),
    modified: passboltTime(s.modified),
  };
}

export function gpgkeyJson(k: GpgkeyRow) {
  return {
    id: k.id,
    user_id: k.account_id,
    armored_key: k.armored_key,
    bits: k.bits,
    uid: k.uid,
    key_id: k.key_id,
    fingerprint: k.fingerprint,
    type: k.type,
    expires: passboltTime(k.expires),
    key_created: passboltTime(k.key_created),
    deleted: false,
    created: passboltTime(k.created),
    modified: passboltTime(k.modified),
  };
}

const DEFAULT_AVATAR = { medium: 'img/avatar/user_medium.png', small: 'img/avatar/user.png' };

/** A Hush user as a Passbolt user: the username is Hush's, the profile names come from the core user. */
export function userJson(account: AccountRow, user: UserRow, key: GpgkeyRow | undefined) {
  const role = user.is_superuser === 1 ? { id: ROLE_ADMIN_ID, name: 'admin' } : { id: ROLE_USER_ID, name: 'user' };
  return {
    id: account.id,
    role_id: role.id,
    username: user.username,
    active: user.is_active === 1,
    deleted: false,
    disabled: null,
    created: passboltTime(account.created),
    modified: passboltTime(account.modified),
    last_logged_in: passboltTime(user.last_login),
    is_mfa_enabled: false,
    profile: {
      id: uuid5(`profile.${account.id}`),
      user_id: account.id,
      // Passbolt requires both names (the extension's ProfileEntity refuses empty ones): a Hush user without them
      // shows its username.
      first_name: user.first_name || user.username,
      last_name: user.last_name || user.username,
      created: passboltTime(account.created),
      modified: passboltTime(account.modified),
      // No uploaded avatars: Passbolt's default picture, as it shows for a user who set none.
      avatar: { url: DEFAULT_AVATAR },
    },
    role: {
      ...role,
      description: role.name === 'admin' ? 'Organization administrator' : 'Logged in user',
      created: passboltTime(account.created),
      modified: passboltTime(account.created),
    },
    gpgkey: key ? gpgkeyJson(key) : null,
  };
}

/** Creator/modifier as contained in a resource: the user without its key. */
export function briefUserJson(account: AccountRow, user: UserRow) {
  const { gpgkey: _gpgkey, role: _role, ...rest } = userJson(account, user, undefined);
  return rest;
}

export function groupJson(g: GroupRow) {
  return {
    id: g.id,
    name: g.name,
    // Deleted groups are removed, so every group shown is live.
    deleted: false,
    created: passboltTime(g.created),
    modified: passboltTime(g.modified),
    created_by: g.created_by,
    modified_by: g.modified_by,
  };
}

export function groupUserJson(m: GroupUserRow) {
  return {
    id: m.id,
    group_id: m.group_id,
    user_id: m.user_id,
    is_admin: m.is_admin === 1,
    created: passboltTime(m.created),
  };
}

/** A user as a resource or group contains it (creator, modifier, holder): without role and key. */
export function briefOf<U extends { gpgkey: unknown; role: unknown }>(user: U): Omit<U, 'gpgkey' | 'role'> {
  const { gpgkey: _key, role: _role, ...brief } = user;
  return brief;
}
