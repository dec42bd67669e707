import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { spawnServer } from '../helpers/process.js';
import { randomToken, tempDir } from '../helpers/server.js';

describe('hush serve --public-url', () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds the absolute URLs of its answers from the flag', async () => {
    const token = randomToken();
    const server = await spawnServer(['--data-dir', dir, '--public-url', 'https://vault.example.org/'], {
      HUSH_BOOTSTRAP_TOKEN: token,
    });
    try {
      const res = await fetch(`${server.url}/api/users/users/`, { headers: { authorization: `Token ${token}` } });
      const body = (await res.json()) as { results: { url: string }[] };
      assert.equal(body.results[0]!.url, 'https://vault.example.org/api/users/users/1/');
    } finally {
      await server.stop();
    }
  });
});
