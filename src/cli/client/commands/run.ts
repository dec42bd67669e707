import { spawn } from 'node:child_process';
import os from 'node:os';
import { Command } from 'commander';
import { CliError } from '../errors.js';
import { connect, note } from '../output.js';
import { asVariables, fetchSecrets } from '../secrets.js';
import { resolveTarget, withTarget, type TargetOptions } from '../target.js';

/** Forwarded to the command while it runs. */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];
/**
 * Keys typed at a terminal already reach the whole foreground process group, the command included; forwarding them
 * too would deliver each twice (Doppler's `run` makes the same distinction).
 */
const FROM_TERMINAL = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT']);

export function runCommand(): Command {
  return withTarget(new Command('run'))
    .description('Run a command with the secrets as environment variables, never written to disk.')
    .argument('<command>', 'the program to start')
    .argument('[args...]', 'its arguments (put -- before the command when they start with -)')
    .option('--no-inherit', "start from an empty environment (PATH and HOME kept) instead of this shell's")
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The secrets (your active personal overrides applied) override variables of the same name. A key present at
several paths takes the one nearest the root unless --path narrows the read. Signals sent to hush (TERM, HUP,
USR1, USR2, WINCH; INT and QUIT too when not typed at a terminal, which delivers them itself) reach the command;
hush exits with the command's status, or dies by the signal that ended it.

Examples:
  hush run --app shop --env development -- npm start
  hush run --app shop --env production --path /backend -- ./migrate.sh --yes
  HUSH_APP=shop HUSH_ENV=staging hush run -- sh -c 'echo "$DB_HOST"'`,
    )
    .action(async (command: string, args: string[], o: TargetOptions & { inherit: boolean }) => {
      const client = connect();
      const target = await resolveTarget(client, o);
      const vars = asVariables(await fetchSecrets(client, target, { path: o.path, tags: o.tags }), (m) =>
        note(`hush: ${m}`),
      );
      const base: NodeJS.ProcessEnv = o.inherit
        ? { ...process.env }
        : { PATH: process.env.PATH, HOME: process.env.HOME };
      // The token stays with hush: the command gets the secrets, not the key to all of them.
      delete base.HUSH_TOKEN;
      const env = { ...base, ...Object.fromEntries(vars) };
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(command, args, { stdio: 'inherit', env });
        const forward = (signal: NodeJS.Signals) => () => {
          if (FROM_TERMINAL.has(signal) && process.stdin.isTTY) return;
          child.kill(signal);
        };
        const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
        for (const [s, h] of handlers) process.on(s, h);
        const detach = () => {
          for (const [s, h] of handlers) process.off(s, h);
        };
        child.on('error', (e: NodeJS.ErrnoException) => {
          detach();
          if (e.code === 'ENOENT') reject(new CliError(`${command}: command not found`, 127));
          else if (e.code === 'EACCES') reject(new CliError(`${command}: permission denied (not executable)`, 126));
          else reject(new CliError(`${command}: ${e.message}`, 126));
        });
        child.on('exit', (exitCode, signal) => {
          detach();
          if (signal) {
            // Die the same way, so a parent shell or supervisor sees what really happened.
            process.kill(process.pid, signal);
            resolve(128 + (os.constants.signals[signal] ?? 0));
          } else resolve(exitCode ?? 1);
        });
      });
      process.exitCode = code;
    });
}
