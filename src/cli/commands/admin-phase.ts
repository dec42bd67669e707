import { Command } from 'commander';
import { notFound } from '../../core/errors.js';
import type { UserId } from '../../core/ids.js';
import type { Caller } from '../../core/ports.js';
import { appJson, envJson } from '../../engines/phase/serializers.js';
import { createPhaseTokens } from '../../engines/phase/service/tokens.js';
import { createAppService } from '../../engines/phase/service/apps.js';
import { createPhaseContext } from '../../engines/phase/service/context.js';
import type { Core } from '../../core/index.js';
import { cliActor, legacyEngineContext, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';
import { parseExpiry } from './admin-tokens.js';

/** Whoever can run `hush admin` next to the data holds every key already; the CLI acts as a superuser. */
const cliCaller: Caller = { user: { id: 0 as UserId, username: 'cli', kind: 'person', isSuperuser: true }, tokenId: null, sessionId: null, writeEnabled: true };

async function phaseContext(core: Core) {
  return createPhaseContext(await legacyEngineContext(core));
}

const phaseApps = async (core: Core) => createAppService(await phaseContext(core));
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function phaseCommand(): Command {
  const phase = new Command('phase').description('Manage Phase apps and environments (the same rules as /v1/apps/ and /v1/environments/) and mint Phase-format tokens.');

  phase.addCommand(
    withStoreOptions(new Command('apps'))
      .description('List apps with their environments (ids are what /v1/secrets/?app_id= and permission grants take).')
      .option('--json', 'machine-readable output')
      .addHelpText('after', '\nExample:\n  hush admin phase apps --json')
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const service = await phaseApps(core);
          const apps = await Promise.all((await service.list(cliCaller)).map(async (a) => ({ ...appJson(a), environments: (await service.listEnvs(cliCaller, a.id).catch(() => [])).map(envJson) })));
          if (o.json) return print(JSON.stringify(apps, null, 2));
          for (const a of apps) {
            print(`${a.id}  ${a.name}${a.sseEnabled ? '' : '  (SSE off)'}`);
            for (const e of a.environments) print(`    ${e.id}  ${e.name} (${e.envType})`);
          }
        }),
      ),
  );

  phase.addCommand(
    withStoreOptions(new Command('app-create'))
      .description('Create an app with Development, Staging and Production, or the environments given.')
      .argument('<name>', 'app name (up to 64 characters)')
      .option('--description <text>', 'description')
      .option('--environments <list>', 'comma-separated environment names instead of the defaults')
      .addHelpText('after', '\nExamples:\n  hush admin phase app-create shop\n  hush admin phase app-create billing --environments dev,prod')
      .action(async (name: string, o) =>
        withLocalCore(o, async (core) => {
          const body: Record<string, unknown> = { name, description: o.description };
          if (o.environments !== undefined) body.environments = String(o.environments).split(',').map((s) => s.trim());
          const { app, envs } = await (await phaseApps(core)).create(cliCaller, cliActor(), body);
          print(`created app ${app.id} "${app.name}"`);
          for (const e of envs) print(`    ${e.id}  ${e.name}`);
        }),
      ),
  );

  phase.addCommand(
    withStoreOptions(new Command('env-create'))
      .description('Add an environment to an app.')
      .argument('<app-id>', 'the app')
      .argument('<name>', 'letters, digits, - and _ (up to 64)')
      .addHelpText('after', '\nExample:\n  hush admin phase env-create 3f0c… qa')
      .action(async (appId: string, name: string, o) =>
        withLocalCore(o, async (core) => {
          const env = await (await phaseApps(core)).createEnv(cliCaller, cliActor(), appId, { name });
          print(`created environment ${env.id} "${env.name}"`);
        }),
      ),
  );
  phase.addCommand(
    withStoreOptions(new Command('token-create'))
      .description(
        "Mint a Phase-format token (pss_user:v1:… for a person, pss_service:v2:… for a service account) for Phase's CLI, SDKs and " +
          'Kubernetes operator; its third segment is also a /v1 bearer token. Printed only this once. Revoke it with `hush admin token revoke <id>`.',
      )
      .argument('<username>', 'the owner: a person or a service account')
      .option('--app <app-id>', 'narrow the token to this app (repeatable)', collect)
      .option('--env <environment-id>', 'narrow the token to this environment (repeatable)', collect)
      .option('--read-only', 'the token may only read')
      .option('--expires <when>', 'ISO-8601 expiry time')
      .option('--description <text>', 'what the token is for')
      .option('--json', 'print id, token and bearer token as JSON')
      .addHelpText(
        'after',
        '\nWithout --app/--env the token reaches whatever its owner is granted; with them, only those apps and environments.\n' +
          '\nExamples:\n  hush admin phase token-create alice\n  hush admin phase token-create deploy-bot --app 3f0c… --read-only --expires 2027-01-01T00:00:00Z',
      )
      .action(async (username: string, o) =>
        withLocalCore(o, async (core) => {
          const user = await core.users.findByUsername(username);
          if (!user) throw notFound(`User "${username}"`);
          const minted = await createPhaseTokens(await phaseContext(core)).mint(cliCaller, cliActor(), { id: user.id as UserId, kind: user.kind }, {
            description: o.description,
            expires: parseExpiry(o.expires),
            writeEnabled: !o.readOnly,
            apps: o.app,
            environments: o.env,
          });
          if (o.json) return print(JSON.stringify({ id: minted.tokenId, token: minted.token, bearer_token: minted.bearerToken, scope: minted.scope }, null, 2));
          process.stderr.write(`created Phase token ${minted.tokenId} for ${username}${minted.scope ? ' (narrowed)' : ''}; it is shown only now:\n`);
          print(minted.token);
        }),
      ),
  );
  return phase;
}
