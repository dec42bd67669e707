import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/postgres.js';
import { runHush } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

describe('hush serve with an unreachable PostgreSQL', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`says the database at ${host} cannot be reached, and where, without the password or a stack trace`, async () => {
      const port = await freePort();
      const dir = tempDir();
      dirs.push(dir);
      const r = await runHush(
        [
          'serve',
          '--port',
          '0',
          '--data-dir',
          dir,
          '--database-url',
          `postgres://hush:pa55-w0rd@${host}:${port}/hushdb`,
        ],
        { HUSH_LOG_LEVEL: 'silent' },
      );
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const where = `postgres://${host}:${port}/hushdb`.replaceAll('.', '\\.');
      assert.match(
        r.stderr,
        new RegExp(
          `^hush: Cannot reach the database at ${where} \\(connection refused: nothing listens on that port\\)\\. Check that it is running`,
        ),
      );
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack trace: ${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /pa55-w0rd|Migration/);
    });
  }
});
