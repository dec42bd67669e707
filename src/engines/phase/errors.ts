import type { FastifyRequest } from 'fastify';
import { defaultStatus, HushError } from '../../core/ports.js';

/**
 * Phase's error envelope is `{"error": "<message>"}` (docs/wire/phase.md §2.8). The strings below are matched
 * by clients and tests, so they are kept exactly.
 */
export const ERR = {
  noCredentials: 'Authentication credentials were not provided.',
  invalidToken: 'Invalid token',
  tokenGone: 'Token expired or deleted',
  envContext: 'Environment context required. Supply `app_id` and `env` as query parameters.',
  appNotFound: (id: string) => `App with ID ${id} not found`,
  envNotFound: (env: string, app: string) => `Environment '${env}' not found in App ${app}`,
  userNoEnv: 'User cannot access this environment',
  serviceNoEnv: 'Service account cannot access this environment',
  noPermission: (action: string) => `You don't have permission to ${action} secrets in this environment.`,
  unsupportedMethod: (m: string) => `Unsupported HTTP method: ${m}`,
  sseOff: 'SSE is not enabled for this App',
  sseOffApp: 'SSE is not enabled for this App.',
  bodyRequired: 'Request body is required.',
  bodyNotJson: 'Request body must be valid JSON.',
  bodyNotObject: 'Request body must be a JSON object.',
  secretsList: "'secrets' must be a non-empty list.",
  secretsIdList: "'secrets' must be a non-empty list of secret IDs.",
  entryNotObject: "Each entry in 'secrets' must be an object.",
  keyRequired: "Each secret requires a non-empty 'key'.",
  valueRequired: "Each secret requires a 'value' string.",
  // Beyond Phase (see validate.ts).
  keyNotEnvName: "'key' must be an environment variable name: letters, digits and '_' only, not starting with a digit.",
  badType: (t: string) => `Invalid 'type': '${t}'. Must be one of ['config', 'sealed', 'secret'].`,
  overrideObject: "'override' must be a JSON object.",
  overrideValue: "'override.value' must be a string.",
  overrideActive: "'override.isActive' must be a boolean.",
  duplicate: 'Duplicate secret found',
  idMissing: 'Secret ID not provided',
  secretNotFound: (id: string) => `Secret not found: ${id}`,
  secretsNotFound: (ids: string[]) => `Secret(s) not found in this environment: ${ids.join(', ')}`,
  unseal: 'Sealed secrets cannot be unsealed. Delete and recreate the secret instead.',
  tagTooLong: (name: string) => `Tag name exceeds 64 characters: '${name.slice(0, 32)}'…`,
  envNotFoundById: 'Environment not found',
  secretIdUnknown: 'Secret not found',
  // Beyond Phase: what Hush answers where Phase would serve a feature Hush lacks (README "Phase's clients").
  dynamicUnsupported:
    'Dynamic secrets are not supported by this server (Hush keeps static secrets only): there are no dynamic secrets or leases to list, lease, renew or revoke.',
  identitiesUnsupported:
    'External identities (AWS IAM, Azure Entra) are not supported by this server (Hush): authenticate with a Phase-format token (hush admin phase token-create, or POST /v1/tokens/).',
  leaseTtl: 'lease_ttl must be a valid integer (seconds)',
  envNameInvalid:
    'Environment name is invalid. Only letters, numbers, hyphens and underscores are allowed (max 64 characters).',
  envNameTaken: (n: string) => `An environment named '${n}' already exists in this app.`,
  envNameMissing: 'Missing required field: name',
} as const;

/** Phase answers every credential problem with 401 and one of three messages. */
function credentialMessage(error: HushError): string {
  switch (error.reason) {
    case 'credentials_missing':
      return ERR.noCredentials;
    case 'header_malformed':
      return ERR.invalidToken;
    default:
      return error.reason?.startsWith('token_') || error.reason === 'user_inactive' ? ERR.tokenGone : error.message;
  }
}

/** Prefixes a batch item's problem with its position, so a client knows which entry to fix. */
export function itemError(index: number, message: string, kind: HushError['kind'] = 'invalid'): HushError {
  return new HushError(kind, message, { problems: [{ field: `secrets.${index}`, message }] });
}

export const phaseError = (kind: HushError['kind'], message: string): HushError => new HushError(kind, message);

export function renderPhaseError(error: HushError, request: FastifyRequest) {
  // Phase's token endpoint is a function view: a bad token there is 403, not 401 (docs/wire/phase.md §5.2).
  if (error.kind === 'unauthenticated' && request.url.startsWith('/service/secrets/tokens')) {
    return { status: 403, body: { error: ERR.tokenGone } };
  }
  if (error.kind === 'unauthenticated') {
    return { status: 401, body: { error: credentialMessage(error) }, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  const status = defaultStatus[error.kind];
  const item = error.problems[0]?.field?.startsWith('secrets.') ? error.problems[0].field.slice(8) : undefined;
  const body: Record<string, unknown> = { error: error.message };
  // Beyond Phase: which entry of a batch was refused (Phase has no batch atomicity, so it never needed this).
  if (item !== undefined) {
    const [index, ...field] = item.split('.');
    body.index = Number(index);
    if (field.length) body.field = field.join('.');
  }
  return { status, body };
}
