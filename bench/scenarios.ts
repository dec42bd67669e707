// The load scenarios. Engines append theirs to `scenarios`; see bench/README.md.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScenarioContext {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
  /** API token of the bootstrap admin (a superuser) */
  adminToken: string;
  /** Calls Hush as the admin, JSON in and out; throws on a non-2xx answer. Meant for creating data in setup(). */
  api(method: HttpMethod, path: string, body?: unknown): Promise<unknown>;
}

/** What setup() may decide once data exists, e.g. a path holding the id of a record it created. */
export interface RequestOverrides {
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Scenario {
  /** unique; names the table row, the JSON entry and the ceiling route /ceiling/<name> */
  name: string;
  method: HttpMethod;
  path: string;
  /** a function when a header needs the context, typically the admin token */
  headers?: Record<string, string> | ((ctx: ScenarioContext) => Record<string, string>);
  /** sent as is; Content-Type defaults to application/json when a body is given */
  body?: string;
  /** Runs once, before any measuring. The request is then repeated unchanged, so it must stay valid when repeated. */
  setup?(ctx: ScenarioContext): Promise<RequestOverrides | void>;
}

export const asAdmin = (ctx: ScenarioContext): Record<string, string> => ({ Authorization: `Token ${ctx.adminToken}` });

export const scenarios: Scenario[] = [
  // Routing, serialisation and the security plugins, without authentication or a database read.
  { name: 'status', method: 'GET', path: '/api/status/' },
  // Adds token lookup, permission check and a paginated database read.
  { name: 'authenticated-read', method: 'GET', path: '/api/users/users/', headers: asAdmin },
];
