// The extension's own services, unchanged, bundled for node by the conformance test.
export { default as AuthVerifyServerChallengeService } from 'passbolt-browser-extension/src/all/background_page/service/auth/authVerifyServerChallengeService';
export { default as AuthVerifyLoginChallengeService } from 'passbolt-browser-extension/src/all/background_page/service/auth/authVerifyLoginChallengeService';
export { default as AuthVerifyServerKeyService } from 'passbolt-browser-extension/src/all/background_page/service/api/auth/authVerifyServerKeyService';
export { default as AuthLogoutService } from 'passbolt-styleguide/src/shared/services/api/auth/AuthLogoutService';
export { ApiClientOptions } from 'passbolt-styleguide/src/shared/lib/apiClient/apiClientOptions';
export { default as OrganizationSettingsService } from 'passbolt-browser-extension/src/all/background_page/service/api/organizationSettings/organizationSettingsService';
export { default as UserService } from 'passbolt-browser-extension/src/all/background_page/service/api/user/userService';
export { default as ResourceTypeService } from 'passbolt-browser-extension/src/all/background_page/service/api/resourceType/resourceTypeService';
export { default as UsersCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/user/usersCollection';
export { default as ResourceTypesCollection } from 'passbolt-styleguide/src/shared/models/entity/resourceType/resourceTypesCollection';
export { default as SiteSettings } from 'passbolt-styleguide/src/shared/lib/Settings/SiteSettings';
