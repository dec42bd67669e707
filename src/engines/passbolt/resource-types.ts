import { uuid5 } from './envelope.js';

/**
 * The v4 resource types (passbolt_api plugins/PassboltCe/ResourceTypes, ids from UuidFactory::uuid('resource-types.id.<slug>')).
 * The server never sees a secret's plaintext, so the `secret` half of a definition is only documentation for
 * clients; Hush checks the resource half (name, username, uri, description) itself.
 */
const CREATED = '2020-01-01T00:00:00+00:00';

const resource = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 255 },
    username: { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] },
    uri: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
    description: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
  },
};
const totp = {
  type: 'object',
  required: ['secret_key', 'digits', 'algorithm'],
  properties: {
    algorithm: { type: 'string', minLength: 4, maxLength: 6 },
    secret_key: { type: 'string', maxLength: 1024 },
    digits: { type: 'number', minimum: 6, maximum: 8 },
    period: { type: 'number' },
  },
};

const TYPES = [
  {
    slug: 'password-string',
    name: 'Simple password',
    description: 'The original passbolt resource type, where the secret is a non empty string.',
    definition: { resource, secret: { type: 'string', maxLength: 4096 } },
  },
  {
    slug: 'password-and-description',
    name: 'Password with description',
    description: 'A resource with the password and the description encrypted.',
    definition: {
      resource: {
        ...resource,
        properties: {
          name: resource.properties.name,
          username: resource.properties.username,
          uri: resource.properties.uri,
        },
      },
      secret: {
        type: 'object',
        required: ['password'],
        properties: {
          password: { type: 'string', maxLength: 4096 },
          description: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
        },
      },
    },
  },
  {
    slug: 'totp',
    name: 'Standalone TOTP',
    description: 'A resource with standalone TOTP fields.',
    definition: {
      resource: {
        ...resource,
        properties: {
          name: resource.properties.name,
          uri: resource.properties.uri,
          description: resource.properties.description,
        },
      },
      secret: { type: 'object', required: ['totp'], properties: { totp } },
    },
  },
  {
    slug: 'password-description-totp',
    name: 'Password, Description and TOTP',
    description: 'A resource with encrypted password, description and TOTP fields.',
    definition: {
      resource: {
        ...resource,
        properties: {
          name: resource.properties.name,
          username: resource.properties.username,
          uri: resource.properties.uri,
        },
      },
      secret: {
        type: 'object',
        required: ['password', 'totp'],
        properties: {
          password: { type: 'string', maxLength: 4096 },
          description: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
          totp,
        },
      },
    },
  },
].map((t) => ({ id: uuid5(`resource-types.id.${t.slug}`), ...t, created: CREATED, modified: CREATED }));

export const RESOURCE_TYPES: readonly (typeof TYPES)[number][] = TYPES;
export const DEFAULT_RESOURCE_TYPE_ID = TYPES[0]!.id;
/** Types whose description lives in the secret: Passbolt drops a clear-text description for them (ResourcesTable::beforeMarshal). */
export const DESCRIPTION_IN_SECRET = new Set(
  TYPES.filter((t) => t.slug !== 'password-string' && t.slug !== 'totp').map((t) => t.id),
);
export const resourceTypeById = (id: string) => TYPES.find((t) => t.id === id);
