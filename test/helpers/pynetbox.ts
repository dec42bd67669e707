import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunningHush } from './server.js';

// Debian's interpreter: pynetbox comes from the python3-pynetbox package, not from whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/conformance');

/** A `skip` reason for the pynetbox conformance tests, or false when pynetbox can be imported; says so when skipping. */
export function pynetboxSkip(): string | false {
  if (spawnSync(PYTHON, ['-c', 'import pynetbox'], { encoding: 'utf8' }).status === 0) return false;
  const reason =
    'python3-pynetbox is not installed (apt-get install -y python3-pynetbox); pynetbox conformance SKIPPED';
  process.stderr.write(`!!! ${reason}\n`);
  return reason;
}

/** Runs `test/conformance/<script>` with the server's URL and admin token, and returns the JSON it prints. */
export async function runPynetbox(script: string, hush: RunningHush): Promise<any> {
  // Asynchronous: the server under test shares this process's event loop.
  const run = await promisify(execFile)(PYTHON, [path.join(SCRIPTS, script), hush.url, hush.token], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(run.stdout);
}
