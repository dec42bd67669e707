import { Command } from 'commander';
import type { UserId } from '../../core/ids.js';
import type { Caller } from '../../core/ports.js';
import { appJson, envJson } from '../../engines/phase/serializers.js';
import { createAppService } from '../../engines/phase/service/apps.js';
import { createPhaseContext } from '../../engines/phase/service/context.js';
import type { Core } from '../../core/index.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

/** Whoever can run `hush admin` next to the data holds every key already; the CLI acts as a superuser. */
const cliCaller: Caller = { user: { id: 0 as UserId, username: 'cli', kind: 'person', isSuperuser: true }, tokenId: null, sessionId: null, writeEnabled: true };

async function phaseApps(core: Core) {
  const { engineContext } = await import('../../core/index.js');
  return createAppService(createPhaseContext(engineContext(core)));
}

export function phaseCommand(): Command {
  const phase = new Command('phase').description('Manage Phase apps and environments (the same rules as /v1/apps/ and /v1/environments/).');

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
  return phase;
}
