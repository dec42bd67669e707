import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { HUSH_BIN } from '../helpers/process.js';
import { startClientFixture, type ClientFixture } from './client-helpers.js';

const run = promisify(execFile);

/**
 * Runs a command on a real pseudo-terminal (python3's pty module): waits for `prompt`, types `typed` and Enter, and
 * prints everything the terminal showed. If the prompt never comes, it types anyway and ends the input (Ctrl-D), so
 * a command that reads standard input without prompting still finishes and the test sees what was echoed.
 */
const PTY_DRIVER = `
import os, pty, select, sys
prompt, typed, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b''
def read(timeout):
    global seen
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready: return False
    try: chunk = os.read(fd, 65536)
    except OSError: return None
    if not chunk: return None
    seen += chunk
    return True
while prompt not in seen:
    got = read(120)
    if not got: break
os.write(fd, typed + b'\\r')
if prompt not in seen: os.write(fd, b'\\x04')
while read(120): pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe('hush on a terminal and in pipes', () => {
  let f: ClientFixture;
  let appId: string;
  const at = ['--app', 'shop', '--env', 'development'];
  const env = () => ({ ...process.env, HUSH_URL: f.server.url, HUSH_TOKEN: f.token, HUSH_APP: '', HUSH_ENV: '' });
  before(async () => {
    f = await startClientFixture();
    appId = (await f.createApp('shop')).id;
  });
  after(() => f.close());

  it('exits quietly when the reader of its output goes away (hush … | head)', async () => {
    // A listing far larger than a pipe holds, so the CLI is still writing when head has gone.
    const secrets = Array.from({ length: 2000 }, (_, i) => ({ key: `PIPE_${i}`, value: 'v'.repeat(200) }));
    assert.equal((await f.api('POST', `/v1/secrets/import/?app_id=${appId}&env=development`, { secrets })).status, 200);
    const script = `"${process.execPath}" "${HUSH_BIN}" secrets list ${at.join(' ')} --json | head -c 10 > /dev/null; echo "hush exited \${PIPESTATUS[0]}" >&2`;
    const r = await run('bash', ['-c', script], { env: env() });
    assert.equal(r.stderr, 'hush exited 0\n');
  });

  it('prints one line for an unexpected error; --debug or HUSH_DEBUG=1 adds where it came from', async () => {
    const notADirectory = path.join(f.dir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    const login = (extra: string[], more: Record<string, string> = {}) =>
      f.hush(
        ['login', '--url', f.server.url, '--token-stdin', ...extra],
        { XDG_CONFIG_HOME: notADirectory, ...more },
        `${f.token}\n`,
      );
    const plain = await login([]);
    assert.equal(plain.status, 1);
    assert.match(
      plain.stderr,
      /^hush: unexpected error: ENOTDIR: not a directory[^\n]* \(run it again with --debug or HUSH_DEBUG=1 to see where\)\n$/,
    );
    for (const debug of [await login(['--debug']), await login([], { HUSH_DEBUG: '1' })]) {
      assert.equal(debug.status, 1);
      assert.match(debug.stderr, /^hush: unexpected error: Error: ENOTDIR/);
      assert.match(debug.stderr, /^\s+at .*config\.js/m);
    }
  });

  it('asks for KEY=- on a terminal without echoing what is typed', async () => {
    const prompt = 'Value for TYPED_PW (not shown): ';
    const typed = 'typed-at-the-prompt';
    const r = await run(
      'python3',
      ['-c', PTY_DRIVER, prompt, typed, process.execPath, HUSH_BIN, 'secrets', 'set', 'TYPED_PW=-', ...at],
      { env: env() },
    );
    assert.ok(r.stdout.includes(prompt), r.stdout);
    assert.ok(!r.stdout.includes(typed), `the terminal showed the value: ${JSON.stringify(r.stdout)}`);
    assert.match(r.stdout, /created TYPED_PW at \//);
    assert.equal(
      (await f.hush(['secrets', 'get', 'TYPED_PW', ...at], { HUSH_URL: f.server.url, HUSH_TOKEN: f.token })).stdout,
      `${typed}\n`,
    );
  });

  it('refuses keys that are not environment variable names before sending anything', async () => {
    const as = { HUSH_URL: f.server.url, HUSH_TOKEN: f.token };
    for (const bad of ['bad key', 'A-B', '1ST', 'a.b']) {
      const r = await f.hush(['secrets', 'set', `${bad}=1`, ...at], as);
      assert.equal(r.status, 1, bad);
      assert.equal(
        r.stderr,
        `hush: "${bad}" is not a valid key: use letters, digits and "_" only, not starting with a digit (e.g. DB_URL)\n`,
      );
    }
    const file = path.join(f.dir, 'bad-key.env');
    fs.writeFileSync(file, 'GOOD=1\nNOT-GOOD=2\n');
    const imported = await f.hush(['import', file, ...at], as);
    assert.equal(imported.status, 1);
    assert.match(imported.stderr, /bad-key\.env:2: "NOT-GOOD" is not a valid key/);
    assert.deepEqual((await f.api('GET', `/v1/secrets/?app_id=${appId}&env=development&key=GOOD`)).body, []);
    assert.equal(
      (await f.hush(['secrets', 'set', 'lower_case_ok=1', ...at], as)).stdout,
      'created LOWER_CASE_OK at /\n',
    );
  });
});
