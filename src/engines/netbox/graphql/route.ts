import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { execute, GraphQLError, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { HushError } from '../../../core/ports.js';
import { callerOf } from '../../../http/route-kit.js';
import { GraphqlOut, GraphqlQuery } from '../schema.js';
import type { Services } from '../service/index.js';
import { isRecord } from '../validate.js';
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
  new HushError('invalid', 'The GraphQL variables must be a JSON object.', {
    problems: [{ field: 'variables', message: 'Must be a JSON object or null.' }],
  });

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
  if (!isRecord(value)) throw badVariables();
  return value;
}

/**
 * `/graphql/` (POST JSON, or GET `?query=`) with graphql-js. Results are HTTP 200 with `data`/`errors`, as NetBox's
 * strawberry view answers; GET never runs anything but queries (the schema has no mutations). Each request's query
 * is parsed and validated once, and the checked document is what runs.
 */
export function graphqlRoutes(s: Services): FastifyPluginAsyncTypebox {
  const schema = buildNetboxSchema();
  const rules = [...specifiedRules, depthLimit];

  async function run(request: FastifyRequest, input: GraphqlRequest) {
    const caller = callerOf(request);
    if (typeof input.query !== 'string' || !input.query.trim())
      throw new HushError('invalid', 'No GraphQL query found in the request.', {
        problems: [{ field: 'query', message: 'This field is required.' }],
      });
    if (input.query.length > MAX_QUERY_LENGTH)
      throw new HushError('invalid', 'Query too long.', {
        problems: [{ field: 'query', message: `Ensure this field has no more than ${MAX_QUERY_LENGTH} characters.` }],
      });
    const variables = variablesOf(input.variables);
    let document: DocumentNode;
    try {
      document = parse(input.query);
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      return { errors: [{ message: e.message, locations: e.locations }] };
    }
    const problems = validate(schema, document, rules);
    if (problems.length)
      return { data: null, errors: problems.map((p) => ({ message: p.message, locations: p.locations })) };
    const result = await execute({
      schema,
      document,
      rootValue: createRoot(s, caller),
      variableValues: variables,
      operationName: typeof input.operationName === 'string' ? input.operationName : undefined,
    });
    // Resolver errors carry only our own messages; anything unexpected is logged and masked.
    const errors = result.errors?.map((e) => {
      if (
        e.originalError &&
        !(e.originalError as { extensions?: unknown }).extensions &&
        e.originalError.constructor.name !== 'GraphQLError'
      ) {
        request.log.error({ err: e.originalError }, 'GraphQL resolver failed');
        return { message: 'Internal server error.', path: e.path };
      }
      return { message: e.message, locations: e.locations, path: e.path };
    });
    return errors ? { data: result.data ?? null, errors } : { data: result.data };
  }

  return async (app) => {
    const rulesConfig = { hush: { access: 'authenticated', allowReadOnlyToken: true } } as const;
    // The schema has no mutations: a POST only reads.
    const postConfig = { hush: { ...rulesConfig.hush, changesData: false } } as const;
    // The twin without the slash is served alike and left out of the OpenAPI document.
    for (const url of ['/graphql/', '/graphql']) {
      const doc = { tags: ['netbox'], hide: url !== '/graphql/', response: { 200: GraphqlOut } };
      app.post(url, { config: postConfig, schema: { operationId: 'graphql_post', ...doc } }, async (request) =>
        run(request, isRecord(request.body) ? request.body : {}),
      );
      app.get(
        url,
        { config: rulesConfig, schema: { operationId: 'graphql_get', querystring: GraphqlQuery, ...doc } },
        async (request) => run(request, request.query),
      );
    }
  };
}
