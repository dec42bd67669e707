import { runProcess } from './process.js';

/** Runs Debian's gpg on `home` in batch mode (no passphrase, no terminal) with `input` on its standard input. */
export async function gpg(
  home: string,
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  // gpg may refuse (an unknown recipient) and exit before reading its input: its exit code says so.
  const run = await runProcess(
    'gpg',
    ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
    { env: process.env, input },
  );
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
