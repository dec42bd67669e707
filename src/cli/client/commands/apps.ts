import { Command } from 'commander';
import { json, connect, out, table } from '../output.js';
import { listApps, listEnvs } from '../target.js';

export function appsCommand(): Command {
  return new Command('apps')
    .description('List the apps and environments this token can see (what --app and --env accept).')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  hush apps\n  hush apps --json')
    .action(async (o: { json?: boolean }) => {
      const client = connect();
      const apps = await Promise.all(
        (await listApps(client)).map(async (a) => ({
          id: a.id,
          name: a.name,
          environments: (await listEnvs(client, a.id)).map((e) => ({ id: e.id, name: e.name })),
        })),
      );
      if (o.json) return json(apps);
      if (!apps.length) return out('no apps visible to this token');
      out(
        table(
          ['APP', 'ENVIRONMENTS', 'ID'],
          apps.map((a) => [a.name, a.environments.map((e) => e.name).join(', '), a.id]),
        ),
      );
    });
}
