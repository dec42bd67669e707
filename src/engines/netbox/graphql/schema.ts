import { buildSchema, GraphQLError, type GraphQLScalarType, type ASTVisitor, type ValidationContext } from 'graphql';
import { microsIso } from '../../../core/ports.js';

/**
 * The plugin's GraphQL types (docs/wire/netbox.md §5; plugin v3.1.1 `graphql/{schema,types,filters}.py`), with
 * NetBox's snake_case names. `SecretType` has no `plaintext`, `hash` or `ciphertext`: asking for them is a
 * validation error, as in the original. NetBox's own `device`/`device_list` and `virtual_machine`/`virtual_machine_list`
 * are there too (NetBox 4.6 `dcim/graphql`, `virtualization/graphql`), over Hush's minimal inventory.
 */
export const SDL = /* GraphQL */ `
  scalar JSON
  scalar DateTime

  input OffsetPaginationInput {
    offset: Int = 0
    limit: Int
    start: Int
  }
  input IDFilterLookup {
    exact: ID
    in_list: [ID!]
  }
  input IntFilterLookup {
    exact: Int
    in_list: [Int!]
    gt: Int
    gte: Int
    lt: Int
    lte: Int
  }
  input StrFilterLookup {
    exact: String
    i_exact: String
    contains: String
    i_contains: String
    starts_with: String
    i_starts_with: String
    ends_with: String
    i_ends_with: String
    in_list: [String!]
  }
  input ContentTypeFilter {
    id: IDFilterLookup
    app_label: StrFilterLookup
    model: StrFilterLookup
  }
  input SecretRoleFilter {
    id: IDFilterLookup
    name: StrFilterLookup
    slug: StrFilterLookup
    description: StrFilterLookup
    parent_id: IDFilterLookup
  }
  input SecretFilter {
    id: IDFilterLookup
    name: StrFilterLookup
    description: StrFilterLookup
    role: SecretRoleFilter
    role_id: IDFilterLookup
    assigned_object_type: ContentTypeFilter
    assigned_object_type_id: IDFilterLookup
    assigned_object_id: IntFilterLookup
  }

  input DeviceFilter {
    id: IDFilterLookup
    name: StrFilterLookup
    description: StrFilterLookup
  }
  input VirtualMachineFilter {
    id: IDFilterLookup
    name: StrFilterLookup
    description: StrFilterLookup
  }

  type ContentTypeType {
    id: ID!
    app_label: String!
    model: String!
  }
  type TagType {
    id: ID!
    name: String!
    slug: String!
    color: String!
  }

  type SecretType {
    id: ID!
    display: String!
    class_type: String!
    name: String!
    description: String!
    comments: String!
    created: DateTime
    last_updated: DateTime
    assigned_object_type: ContentTypeType!
    assigned_object_id: Int!
    role: SecretRoleType!
    tags: [TagType!]!
    custom_field_data: JSON
  }

  type SecretRoleType {
    id: ID!
    display: String!
    class_type: String!
    name: String!
    slug: String!
    description: String!
    comments: String!
    parent: SecretRoleType
    children: [SecretRoleType!]!
    secrets: [SecretType!]!
    level: Int!
    created: DateTime
    last_updated: DateTime
    tags: [TagType!]!
    custom_field_data: JSON
  }

  # NetBox's DeviceType and VirtualMachineType, with the fields Hush's minimal inventory holds (id, name,
  # description, times); the rest of NetBox's (site, rack, status…) is not modelled, so asking for it is a
  # validation error rather than an invented value.
  type DeviceType {
    id: ID!
    display: String!
    class_type: String!
    name: String
    description: String!
    created: DateTime
    last_updated: DateTime
    tags: [TagType!]!
    custom_field_data: JSON
  }
  type VirtualMachineType {
    id: ID!
    display: String!
    class_type: String!
    name: String!
    description: String!
    created: DateTime
    last_updated: DateTime
    tags: [TagType!]!
    custom_field_data: JSON
  }

  type Query {
    secret(id: ID!): SecretType!
    secret_list(filters: SecretFilter, pagination: OffsetPaginationInput): [SecretType!]!
    secret_role(id: ID!): SecretRoleType!
    secret_role_list(filters: SecretRoleFilter, pagination: OffsetPaginationInput): [SecretRoleType!]!
    device(id: ID!): DeviceType!
    device_list(filters: DeviceFilter, pagination: OffsetPaginationInput): [DeviceType!]!
    virtual_machine(id: ID!): VirtualMachineType!
    virtual_machine_list(filters: VirtualMachineFilter, pagination: OffsetPaginationInput): [VirtualMachineType!]!
  }
`;

export function buildNetboxSchema() {
  const schema = buildSchema(SDL);
  const json = schema.getType('JSON') as GraphQLScalarType;
  json.serialize = (v) => v;
  json.parseValue = (v) => v;
  const dateTime = schema.getType('DateTime') as GraphQLScalarType;
  // NetBox's GraphQL renders times with strawberry's `isoformat()`: six fraction digits and `+00:00`, not DRF's `Z`.
  dateTime.serialize = (v) => (typeof v === 'string' ? microsIso(v, '+00:00') : v);
  return schema;
}

// Roles and secrets refer to each other; without a bound a small query could fan out without end.
export const MAX_DEPTH = 8;

export function depthLimit(context: ValidationContext): ASTVisitor {
  let depth = 0;
  return {
    SelectionSet: {
      enter(node) {
        depth += 1;
        if (depth > MAX_DEPTH)
          context.reportError(new GraphQLError(`Query is nested deeper than ${MAX_DEPTH} levels.`, { nodes: [node] }));
      },
      leave() {
        depth -= 1;
      },
    },
  };
}
