/**
 * Passbolt's `header.action` is the UUID v5 of the CakePHP route's "Controller.action" (src/Utility/UserAction.php
 * initFromRequest → UuidFactory::uuid), so it names the endpoint, not the request. The names below are the
 * controllers and actions passbolt_api's routes (config/routes.php and the plugins' routes.php) map each path to;
 * routes Passbolt does not have carry a name in the same style. Requests no route matched are "Error.error".
 */
export const PASSBOLT_ACTIONS: Readonly<Record<string, string>> = {
  passbolt_auth_verify: 'AuthVerify.verifyGet',
  passbolt_auth_verify_post: 'AuthLogin.loginPost',
  passbolt_auth_login: 'AuthLogin.loginPost',
  passbolt_auth_logout: 'AuthLogout.logout',
  passbolt_is_authenticated: 'AuthIsAuthenticated.isAuthenticated',
  passbolt_jwt_rsa: 'Jwks.rsa',
  passbolt_jwt_jwks: 'Jwks.jwks',
  passbolt_jwt_login: 'JwtLogin.loginPost',
  passbolt_jwt_refresh: 'RefreshToken.refreshPost',
  passbolt_jwt_logout: 'JwtLogout.logoutPost',
  passbolt_resources_index: 'ResourcesIndex.index',
  passbolt_resources_view: 'ResourcesView.view',
  passbolt_resources_add: 'ResourcesAdd.add',
  passbolt_resources_update: 'ResourcesUpdate.update',
  passbolt_resources_delete: 'ResourcesDelete.delete',
  passbolt_secrets_view: 'SecretsView.view',
  passbolt_resource_types_index: 'ResourceTypesIndex.index',
  passbolt_resource_types_view: 'ResourceTypesView.view',
  passbolt_permissions_view: 'PermissionsView.viewAcoPermissions',
  passbolt_share: 'Share.share',
  passbolt_share_simulate: 'Share.dryRun',
  passbolt_share_search_aros: 'ShareSearch.searchArosToShareWith',
  passbolt_users_index: 'UsersIndex.index',
  passbolt_users_view: 'UsersView.view',
  passbolt_gpgkeys_index: 'GpgkeysIndex.index',
  passbolt_gpgkeys_view: 'GpgkeysView.view',
  passbolt_gpgkeys_add: 'GpgkeysAdd.add',
  passbolt_settings_index: 'SettingsIndex.index',
  passbolt_account_settings_index: 'AccountSettingsIndex.index',
  passbolt_healthcheck_status: 'HealthcheckStatus.status',
  passbolt_locale_settings: 'OrganizationLocalesSelect.select',
  passbolt_password_policies_settings: 'PasswordPoliciesSettingsGet.get',
  passbolt_rbacs_me: 'RbacsView.viewForCurrentRole',
  passbolt_roles_index: 'RolesIndex.index',
  passbolt_metadata_types_settings: 'MetadataTypesSettingsGet.get',
  passbolt_metadata_keys_index: 'MetadataKeysIndex.index',
  passbolt_groups_index: 'GroupsIndex.index',
  passbolt_groups_view: 'GroupsView.view',
  passbolt_groups_add: 'GroupsAdd.addPost',
  passbolt_groups_update: 'GroupsUpdate.update',
  passbolt_groups_update_dry_run: 'GroupsUpdate.dryRun',
  passbolt_groups_delete: 'GroupsDelete.delete',
  passbolt_groups_delete_dry_run: 'GroupsDelete.dryRun',
};

/** What a request no route matched (a 404, a refused method) is named, as Passbolt's error controller names it. */
export const NOT_ROUTED = 'Error.error';

/** The "Controller.action" of the route that served a request. */
export function actionNameOf(operationId: string | undefined): string {
  return (operationId && PASSBOLT_ACTIONS[operationId]) || NOT_ROUTED;
}
