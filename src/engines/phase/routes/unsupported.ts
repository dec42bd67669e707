import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../../../http/route-kit.js';
import { ERR, phaseError } from '../errors.js';
import { EnvQuery, PhaseErrorOut } from '../schema.js';
import type { SecretAction } from '../service/context.js';
import type { E2eeService } from '../service/e2ee.js';
import { header } from './request-env.js';

type Query = { app_id?: string; env?: string };

/**
 * Phase's dynamic-secret endpoints (`/v1/secrets/dynamic/`, `/v1/secrets/dynamic/leases/`), which its Go CLI and
 * golang-sdk call (README "Phase's clients"). Hush has no dynamic secrets, so after Phase's own checks (credentials,
 * the environment from an `Environment` header or `app_id` + `env`, access to it) every call is refused with 400
 * and a message saying so,
 * rather than a bare 404 that reads like a wrong id. `secret_id` here names a dynamic secret, none of which exist, so
 * it does not pick the environment as it does elsewhere.
 */
export function dynamicSecretRoutes(e2ee: E2eeService): FastifyPluginAsyncTypebox {
  async function refuse(request: FastifyRequest, action: SecretAction): Promise<never> {
    await e2ee.environment(
      callerOf(request),
      { environment: header(request, 'environment') },
      request.query as Query,
      action,
    );
    throw phaseError('invalid', ERR.dynamicUnsupported);
  }
  const routes: [string, 'GET' | 'PUT' | 'DELETE', SecretAction, string][] = [
    ['/secrets/dynamic/', 'GET', 'view', 'phase_dynamic_secrets_list'],
    ['/secrets/dynamic/leases/', 'GET', 'view', 'phase_dynamic_leases_list'],
    ['/secrets/dynamic/leases/', 'PUT', 'change', 'phase_dynamic_lease_renew'],
    ['/secrets/dynamic/leases/', 'DELETE', 'delete', 'phase_dynamic_lease_revoke'],
  ];
  return async (app) => {
    for (const [canonical, method, action, operationId] of routes) {
      for (const url of [canonical, canonical.slice(0, -1)]) {
        app.route({
          method,
          url,
          config: { hush: { access: 'authenticated', changesData: false } },
          schema: {
            operationId,
            tags: ['phase'],
            summary: 'Not supported: Hush has no dynamic secrets (400 with a message)',
            // A refusal whatever is sent, so no operation of the document (test/http/openapi.test.ts).
            hide: true,
            querystring: EnvQuery,
            response: { 400: PhaseErrorOut },
          },
          handler: (request) => refuse(request, action),
        });
      }
    }
  };
}

/**
 * Phase's external-identity logins (`/identities/external/v1/aws/iam/auth/`, `…/azure/entra/auth/`), which its CLI
 * and golang-sdk call without a token: refused with 400 and a message naming the way Hush does log in.
 */
export const IDENTITY_PREFIXES = [
  '/identities',
  '/public/identities',
  '/service/identities',
  '/service/public/identities',
];
export function externalIdentityRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const prefix of IDENTITY_PREFIXES) {
      for (const provider of ['aws/iam', 'azure/entra']) {
        const canonical = `${prefix}/external/v1/${provider}/auth/`;
        for (const url of [canonical, canonical.slice(0, -1)]) {
          app.post(
            url,
            {
              config: { hush: { access: 'public', changesData: false } },
              schema: {
                operationId: `phase_identity_${provider.replace('/', '_')}`,
                tags: ['phase'],
                summary: 'Not supported: Hush has no external identities (400 with a message)',
                hide: true,
                response: { 400: PhaseErrorOut },
              },
            },
            async () => {
              throw phaseError('invalid', ERR.identitiesUnsupported);
            },
          );
        }
      }
    }
  };
}
