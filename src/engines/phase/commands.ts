import { notFound, parseExpiry, type EngineCommandInput, type EngineManifest, type UserId } from '../../core/ports.js';
import { appJson, envJson } from './serializers.js';
import type { PhaseServices } from './services.js';

/** `hush admin phase …`: declared here so `--help` needs no database; run by `phaseCommandRunners`. */
export const phaseCommands: NonNullable<EngineManifest['commands']> = {
  description:
    'Manage Phase apps and environments (the same rules as /v1/apps/ and /v1/environments/) and mint Phase-format tokens.',
  list: [
    {
      name: 'apps',
      description: 'List apps with their environments (ids are what /v1/secrets/?app_id= and permission grants take).',
      options: [{ flags: '--json', description: 'machine-readable output' }],
      help: 'Example:\n  hush admin phase apps --json',
    },
    {
      name: 'app-create',
      description: 'Create an app with Development, Staging and Production, or the environments given.',
      arguments: [{ name: '<name>', description: 'app name (up to 64 characters)' }],
      options: [
        { flags: '--description <text>', description: 'description' },
        { flags: '--environments <list>', description: 'comma-separated environment names instead of the defaults' },
      ],
      help: 'Examples:\n  hush admin phase app-create shop\n  hush admin phase app-create billing --environments dev,prod',
    },
    {
      name: 'env-create',
      description: 'Add an environment to an app.',
      arguments: [
        { name: '<app-id>', description: 'the app' },
        { name: '<name>', description: 'letters, digits, - and _ (up to 64)' },
      ],
      help: 'Example:\n  hush admin phase env-create 3f0c… qa',
    },
    {
      name: 'token-create',
      description:
        "Mint a Phase-format token (pss_user:v1:… for a person, pss_service:v2:… for a service account) for Phase's CLI, SDKs and " +
        'Kubernetes operator; its third segment is also a /v1 bearer token. Printed only this once. Revoke it with `hush admin token revoke <id>`.',
      arguments: [{ name: '<username>', description: 'the owner: a person or a service account' }],
      options: [
        { flags: '--app <app-id>', description: 'narrow the token to this app (repeatable)', repeatable: true },
        {
          flags: '--env <environment-id>',
          description: 'narrow the token to this environment (repeatable)',
          repeatable: true,
        },
        { flags: '--read-only', description: 'the token may only read' },
        { flags: '--expires <when>', description: 'ISO-8601 expiry time' },
        { flags: '--description <text>', description: 'what the token is for' },
        { flags: '--json', description: 'print id, token and bearer token as JSON' },
      ],
      help:
        'Without --app/--env the token reaches whatever its owner is granted; with them, only those apps and environments.\n' +
        '\nExamples:\n  hush admin phase token-create alice\n  hush admin phase token-create deploy-bot --app 3f0c… --read-only --expires 2027-01-01T00:00:00Z',
    },
  ],
};

type Options = {
  json?: boolean;
  description?: string;
  environments?: string;
  app?: string[];
  env?: string[];
  readOnly?: boolean;
  expires?: string;
};

/** The runners of `phaseCommands`, over the services the engine built once; the operator acts as a superuser. */
export function phaseCommandRunners(
  s: Pick<PhaseServices, 'ctx' | 'apps' | 'tokens'>,
): Record<string, (input: EngineCommandInput) => Promise<void>> {
  const optionsOf = (input: EngineCommandInput) => input.options as Options;
  return {
    async apps(input) {
      const { caller, print } = input;
      const apps = await Promise.all(
        (await s.apps.list(caller)).map(async (a) => ({
          ...appJson(a),
          environments: (await s.apps.listEnvs(caller, a.id).catch(() => [])).map(envJson),
        })),
      );
      if (optionsOf(input).json) return print(JSON.stringify(apps, null, 2));
      for (const a of apps) {
        print(`${a.id}  ${a.name}${a.sseEnabled ? '' : '  (SSE off)'}`);
        for (const e of a.environments) print(`    ${e.id}  ${e.name} (${e.envType})`);
      }
    },

    async 'app-create'(input) {
      const o = optionsOf(input);
      const body: Record<string, unknown> = { name: input.args[0], description: o.description };
      if (o.environments !== undefined)
        body.environments = String(o.environments)
          .split(',')
          .map((n) => n.trim());
      const { app, envs } = await s.apps.create(input.caller, input.actor, body);
      input.print(`created app ${app.id} "${app.name}"`);
      for (const e of envs) input.print(`    ${e.id}  ${e.name}`);
    },

    async 'env-create'(input) {
      const [appId, name] = input.args;
      const env = await s.apps.createEnv(input.caller, input.actor, appId, { name });
      input.print(`created environment ${env.id} "${env.name}"`);
    },

    async 'token-create'(input) {
      const o = optionsOf(input);
      const username = input.args[0]!;
      const user = await s.ctx.users.findByUsername(username);
      if (!user) throw notFound(`User "${username}"`);
      const minted = await s.tokens.mint(
        input.caller,
        input.actor,
        { id: user.id as UserId, kind: user.kind },
        {
          description: o.description,
          expires: parseExpiry(o.expires),
          writeEnabled: !o.readOnly,
          apps: o.app,
          environments: o.env,
        },
      );
      if (o.json)
        return input.print(
          JSON.stringify(
            { id: minted.tokenId, token: minted.token, bearer_token: minted.bearerToken, scope: minted.scope },
            null,
            2,
          ),
        );
      input.note(
        `created Phase token ${minted.tokenId} for ${username}${minted.scope ? ' (narrowed)' : ''}; it is shown only now:`,
      );
      input.print(minted.token);
    },
  };
}
