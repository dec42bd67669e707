import { uuid5 } from '../envelope.js';
import { ROLE_ADMIN_ID, ROLE_USER_ID } from '../serializers.js';

/**
 * What the extension reads to start (passbolt_api SettingsIndexController and its plugins' defaults). The plugin
 * list is the capability list: the extension's `canIUse(name)` treats a plugin that is absent as a feature the
 * server lacks and hides it, so only what Hush serves is named. `metadata` is absent, which keeps clients on v4
 * resources with clear-text metadata.
 */
const SERVED_PLUGINS: Readonly<Record<string, Record<string, unknown>>> = {
  jwtAuthentication: { version: '1.0.0', enabled: true },
  resourceTypes: { version: '1.0.0', enabled: true },
  accountSettings: { version: '1.0.0', enabled: true },
  passwordPolicies: { version: '1.0.0', enabled: true },
  // Client-side features over the resource API Hush serves.
  previewPassword: { version: '1.0.0', enabled: true },
  export: { version: '2.0.0', enabled: true },
  import: { version: '2.0.0', enabled: true },
};

/** Passbolt's organisation default (PASSBOLT_LEGAL_*): no privacy policy, Passbolt's terms are not Hush's. */
const LEGAL = { privacy_policy: { url: '' }, terms: { url: '' } };

export function siteSettings(origin: string, loggedIn: boolean, hushVersion: string) {
  const app = { url: `${origin.replace(/\/+$/, '')}/`, locale: 'en-UK' };
  const passbolt = { legal: LEGAL, edition: 'ce' };
  if (!loggedIn) return { app, passbolt: { ...passbolt, plugins: {} } };
  return {
    app: {
      ...app,
      version: { number: hushVersion, name: 'Hush' },
      debug: 0,
      server_timezone: 'UTC',
      // The core's session lifetime, in minutes.
      session_timeout: 12 * 60,
      image_storage: { public_path: 'img/public/' },
    },
    passbolt: { ...passbolt, plugins: SERVED_PLUGINS },
  };
}

/** PasswordPoliciesSettingsDto::createFromDefault: what an organisation that changed nothing gets. */
export const DEFAULT_PASSWORD_POLICIES = {
  default_generator: 'password',
  source: 'default',
  password_generator_settings: {
    length: 18,
    mask_upper: true,
    mask_lower: true,
    mask_digit: true,
    mask_parenthesis: true,
    mask_emoji: false,
    mask_char1: true,
    mask_char2: true,
    mask_char3: true,
    mask_char4: true,
    mask_char5: true,
    exclude_look_alike_chars: true,
  },
  passphrase_generator_settings: { words: 9, word_separator: ' ', word_case: 'lowercase' },
  external_dictionary_check: true,
};

const ROLE_TIME = '2012-07-04T13:39:25+00:00';

/** Passbolt's roles (RolesIndex): ids are stable names' UUIDs, the same ones users' `role_id` carries. */
export const ROLES = [
  { id: ROLE_ADMIN_ID, name: 'admin', description: 'Organization administrator' },
  { id: ROLE_USER_ID, name: 'user', description: 'Logged in user' },
  { id: uuid5('role.id.guest'), name: 'guest', description: 'Non logged in user' },
].map((r) => ({ ...r, created: ROLE_TIME, modified: ROLE_TIME }));
