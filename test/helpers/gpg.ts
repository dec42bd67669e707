import { spawn } from 'node:child_process';

/** Runs Debian's gpg on `home` in batch mode (no passphrase, no terminal) with `input` on its standard input. */
export function gpg(
  home: string,
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'gpg',
      ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // gpg may refuse (an unknown recipient) and exit before reading its input: its exit code says so, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
