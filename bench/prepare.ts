import type { HttpMethod, Scenario, ScenarioContext } from './scenarios.js';

/** One scenario's request with everything resolved, sent identically to Hush and to the ceiling. */
export interface PreparedRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function snippet(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export function scenarioContext(baseUrl: string, adminToken: string): ScenarioContext {
  return {
    baseUrl,
    adminToken,
    async api(method, path, body) {
      const headers: Record<string, string> = { Authorization: `Token ${adminToken}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await fetch(`${baseUrl}${path}`, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${snippet(text)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

export async function prepare(scenario: Scenario, ctx: ScenarioContext): Promise<PreparedRequest> {
  const overrides = (await scenario.setup?.(ctx)) ?? {};
  const base = typeof scenario.headers === 'function' ? scenario.headers(ctx) : (scenario.headers ?? {});
  const headers = { ...base, ...overrides.headers };
  const body = overrides.body ?? scenario.body;
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const request: PreparedRequest = { method: scenario.method, path: overrides.path ?? scenario.path, headers };
  if (body !== undefined) request.body = body;
  return request;
}

/** Sends the request once; a non-2xx here would make the whole measurement meaningless, so it stops the run. */
export async function sampleBody(baseUrl: string, path: string, request: PreparedRequest, label: string): Promise<string> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== undefined) init.body = request.body;
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${label}: ${request.method} ${path} answered ${res.status}: ${snippet(text)}`);
  return text;
}
