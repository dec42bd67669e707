import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { graphql, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { HushError } from '../../../core/errors.js';
import { callerOf } from '../../../http/route-kit.js';
import type { Services } from '../routes/common.js';
import { GraphqlOut } from '../schema.js';
import { createRoot } from './resolvers.js';
import { buildNetboxSchema, depthLimit } from './schema.js';

// A query is text a person writes; 20,000 characters is far beyond any real one.
const MAX_QUERY_LENGTH = 20_000;

interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const badVariables = () =>
  new HushError('invalid', 'The GraphQL variables must be a JSON object.', { problems: [{ field: 'variables', message: 'Must be a JSON object or null.' }] });

/** `variables` as GraphQL-over-HTTP allows them: an object, null, or (GET, form posts) the same as JSON text. */
function variablesOf(raw: unknown): Record<string, unknown> | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    if (!raw.trim()) return undefined;
    try {
      value = JSON.parse(raw);
    } catch {
      throw badVariables();
    }
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badVariables();
  return value as Record<string, unknown>;
}

/**
 * `/graphql/` (POST JSON, or GET `?query=`) with graphql-js. Results are HTTP 200 with `data`/`errors`, as NetBox's
 * strawberry view answers; GET never runs anything but queries (the schema has no mutations).
 */
export function graphqlRoutes(s: Services): FastifyPluginAsync {
  const schema = buildNetboxSchema();
  const rules = [...specifiedRules, depthLimit];

  async function execute(request: FastifyRequest, input: GraphqlRequest) {
    const caller = callerOf(request);
    if (typeof input.query !== 'string' || !input.query.trim()) throw new HushError('invalid', 'No GraphQL query found in the request.', { problems: [{ field: 'query', message: 'This field is required.' }] });
    if (input.query.length > MAX_QUERY_LENGTH) throw new HushError('invalid', 'Query too long.', { problems: [{ field: 'query', message: `Ensure this field has no more than ${MAX_QUERY_LENGTH} characters.` }] });
    const variables = variablesOf(input.variables);
    let document;
    try {
      document = parse(input.query);
    } catch (e) {
      return { errors: [{ message: (e as GraphQLError).message, locations: (e as GraphQLError).locations }] };
    }
    const problems = validate(schema, document, rules);
    if (problems.length) return { data: null, errors: problems.map((p) => ({ message: p.message, locations: p.locations })) };
    const result = await graphql({
      schema,
      source: input.query,
      rootValue: createRoot(s, caller),
      variableValues: variables,
      operationName: typeof input.operationName === 'string' ? input.operationName : undefined,
    });
    // Resolver errors carry only our own messages; anything unexpected is logged and masked.
    const errors = result.errors?.map((e) => {
      if (e.originalError && !(e.originalError as { extensions?: unknown }).extensions && e.originalError.constructor.name !== 'GraphQLError') {
        request.log.error({ err: e.originalError }, 'GraphQL resolver failed');
        return { message: 'Internal server error.', path: e.path };
      }
      return { message: e.message, locations: e.locations, path: e.path };
    });
    return errors ? { data: result.data ?? null, errors } : { data: result.data };
  }

  return async (app) => {
    const rulesConfig = { hush: { access: 'authenticated', allowReadOnlyToken: true } } as const;
    // The twin without the slash is served alike and left out of the OpenAPI document.
    for (const url of ['/graphql/', '/graphql']) {
      const doc = { tags: ['netbox'], hide: url !== '/graphql/', response: { 200: GraphqlOut } };
      app.post(url, { config: rulesConfig, schema: { operationId: 'graphql_post', ...doc } }, async (request) => execute(request, (request.body ?? {}) as GraphqlRequest));
      app.get(url, { config: rulesConfig, schema: { operationId: 'graphql_get', ...doc } }, async (request) => execute(request, request.query as GraphqlRequest));
    }
  };
}
