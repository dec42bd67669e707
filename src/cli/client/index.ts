import type { Command } from 'commander';
import { appsCommand } from './commands/apps.js';
import { completionCommand } from './commands/completion.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { listsCommand } from './commands/lists.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { renderCommand } from './commands/render.js';
import { runCommand } from './commands/run.js';
import { secretsCommand } from './commands/secrets.js';
import { whoamiCommand } from './commands/whoami.js';

/** The commands that talk to a Hush server over HTTP only (never to a database), so they work against a remote one. */
export function clientCommands(program: Command): Command[] {
  return [
    loginCommand(),
    whoamiCommand(),
    logoutCommand(),
    appsCommand(),
    secretsCommand(),
    runCommand(),
    exportCommand(),
    importCommand(),
    renderCommand(),
    listsCommand(),
    completionCommand(() => program),
  ];
}
