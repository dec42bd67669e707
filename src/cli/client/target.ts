import type { Command } from 'commander';
import { CliError, EXIT } from './errors.js';
import type { HushClient } from './http.js';

interface Named {
  id: string;
  name: string;
}

/** An app and one of its environments, as /v1/secrets/ wants them (app id, environment name). */
export interface Target {
  appId: string;
  appName: string;
  envId: string;
  envName: string;
}

export interface TargetOptions {
  app?: string;
  env?: string;
  path?: string;
  tags?: string;
}

/** `--app`, `--env` (HUSH_APP, HUSH_ENV), `--path`, `--tags`: every command that reads or writes Phase secrets. */
export function withTarget(command: Command, { filters = true } = {}): Command {
  command
    .option('--app <app>', 'app name or id (env HUSH_APP)')
    .option('--env <env>', 'environment name or id, e.g. development (env HUSH_ENV)')
    .option('--path <path>', 'folder, e.g. /backend (default: every path when reading, / when writing)');
  if (filters) command.option('--tags <tags>', 'only secrets with any of these comma-separated tags');
  return command;
}

function pick<T extends Named>(items: T[], wanted: string, what: string, fix: string): T {
  const w = wanted.trim().toLowerCase();
  const byId = items.find((i) => i.id.toLowerCase() === w);
  if (byId) return byId;
  const byName = items.filter((i) => i.name.toLowerCase() === w);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1)
    throw new CliError(
      `${byName.length} ${what}s are named "${wanted}": give the id instead (${byName.map((i) => i.id).join(', ')})`,
    );
  const known = items.map((i) => i.name).join(', ') || 'none';
  throw new CliError(`no ${what} "${wanted}" (known to this token: ${known}): ${fix}`, EXIT.notFound);
}

export async function listApps(client: HushClient): Promise<Named[]> {
  return (await client.request<{ data: Named[] }>('GET', '/v1/apps/')).data;
}

export async function listEnvs(client: HushClient, appId: string): Promise<Named[]> {
  return (await client.request<{ data: Named[] }>('GET', '/v1/environments/', { query: { app_id: appId } })).data;
}

/** Looks the app and environment up by id or (case-insensitive) name; unknown names list what exists. */
export async function resolveTarget(
  client: HushClient,
  options: TargetOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Target> {
  const appWanted = options.app ?? env.HUSH_APP;
  const envWanted = options.env ?? env.HUSH_ENV;
  if (!appWanted) throw new CliError('which app? Give --app NAME (or set HUSH_APP); "hush apps" lists them');
  if (!envWanted) throw new CliError('which environment? Give --env NAME (or set HUSH_ENV); "hush apps" lists them');
  const app = pick(
    await listApps(client),
    appWanted,
    'app',
    'check the name with "hush apps", or ask for access to it',
  );
  const environment = pick(
    await listEnvs(client, app.id),
    envWanted,
    'environment',
    `"hush apps" lists the environments of ${app.name}`,
  );
  return { appId: app.id, appName: app.name, envId: environment.id, envName: environment.name };
}

/** The query /v1/secrets/ takes for this target. */
export const targetQuery = (t: Target) => ({ app_id: t.appId, env: t.envName });
