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
// Resources, secrets, permissions and shares: the API services and entity classes the extension's own resource,
// share and update services build on (those higher services also need the browser's storage and keyring).
export { default as ResourceService } from 'passbolt-browser-extension/src/all/background_page/service/api/resource/resourceService';
export { default as SecretService } from 'passbolt-browser-extension/src/all/background_page/service/api/secret/secretService';
export { default as ShareService } from 'passbolt-browser-extension/src/all/background_page/service/api/share/shareService';
export { default as FindPermissionsService } from 'passbolt-browser-extension/src/all/background_page/service/permission/findPermissionsService';
export { default as ResourceEntity } from 'passbolt-browser-extension/src/all/background_page/model/entity/resource/resourceEntity';
export { default as ResourcesCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/resource/resourcesCollection';
export { default as ResourceSecretsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/secret/resource/resourceSecretsCollection';
export { default as SecretEntity } from 'passbolt-styleguide/src/shared/models/entity/secret/secretEntity';
export { default as SecretsCollection } from 'passbolt-styleguide/src/shared/models/entity/secret/secretsCollection';
export { default as NeededSecretsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/secret/needed/neededSecretsCollection';
export { default as PermissionsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/permission/permissionsCollection';
export { default as PermissionChangesCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/permission/change/permissionChangesCollection';
export { default as UserAndGroupSearchResultsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/userAndGroupSearchResultEntity/userAndGroupSearchResultCollection';
export { default as EncryptMessageService } from 'passbolt-browser-extension/src/all/background_page/service/crypto/encryptMessageService';
export { default as DecryptMessageService } from 'passbolt-browser-extension/src/all/background_page/service/crypto/decryptMessageService';
export { default as DecryptPrivateKeyService } from 'passbolt-browser-extension/src/all/background_page/service/crypto/decryptPrivateKeyService';
export { OpenpgpAssertion } from 'passbolt-browser-extension/src/all/background_page/utils/openpgp/openpgpAssertions';
// Groups: the API service, the entities the extension keeps and the update flow's entities (dry run, one update per change).
export { default as GroupApiService } from 'passbolt-browser-extension/src/all/background_page/service/api/group/groupApiService';
export { default as GroupEntity } from 'passbolt-browser-extension/src/all/background_page/model/entity/group/groupEntity';
export { default as GroupsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/group/groupsCollection';
export { default as GroupUpdateEntity } from 'passbolt-browser-extension/src/all/background_page/model/entity/group/update/groupUpdateEntity';
export { default as GroupUpdatesCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/group/update/groupUpdatesCollection';
export { default as GroupUpdateDryRunResultEntity } from 'passbolt-browser-extension/src/all/background_page/model/entity/group/update/groupUpdateDryRunResultEntity';
export { default as GroupUpdateSecretsCollection } from 'passbolt-browser-extension/src/all/background_page/model/entity/secret/groupUpdate/groupUpdateSecretsCollection';
