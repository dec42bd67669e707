import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { HushError } from '../../src/core/errors.js';

describe('config', () => {
  it('defaults to loopback:8000 and ./data with SQLite', () => {
    const c = loadConfig({}, {});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8000);
    assert.equal(c.dataDir, path.resolve('data'));
    assert.equal(c.rootKeyFile, path.resolve('data', 'root.key'));
    assert.equal(c.databaseUrl, undefined);
  });

  it('reads HUSH_* variables, and flags win over them', () => {
    const env = { HUSH_PORT: '9001', HUSH_HOST: '0.0.0.0', HUSH_DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://u@h/db' };
    const fromEnv = loadConfig({}, env);
    assert.deepEqual(
      [fromEnv.port, fromEnv.host, fromEnv.dataDir, fromEnv.databaseUrl],
      [9001, '0.0.0.0', '/tmp/x', 'postgres://u@h/db'],
    );
    const fromFlags = loadConfig({ port: '8123', dataDir: '/tmp/y' }, env);
    assert.deepEqual([fromFlags.port, fromFlags.dataDir], [8123, '/tmp/y']);
  });

  it('reads the public URL without its trailing slash, keeping a path, and refuses what cannot prefix a path', () => {
    assert.equal(loadConfig({}, {}).publicUrl, undefined);
    assert.equal(loadConfig({}, { HUSH_PUBLIC_URL: '' }).publicUrl, undefined);
    assert.equal(
      loadConfig({}, { HUSH_PUBLIC_URL: 'https://Hush.Example.com/' }).publicUrl,
      'https://hush.example.com',
    );
    assert.equal(
      loadConfig({}, { HUSH_PUBLIC_URL: 'http://10.0.0.5:8000/secrets//' }).publicUrl,
      'http://10.0.0.5:8000/secrets',
    );
    assert.equal(
      loadConfig({ publicUrl: 'https://flag.example' }, { HUSH_PUBLIC_URL: 'https://env.example' }).publicUrl,
      'https://flag.example',
    );
    for (const bad of [
      'hush.example.com',
      'ftp://hush.example.com',
      'https://u:p@hush.example.com',
      'https://hush.example.com/?x=1',
      'https://hush.example.com/#top',
      'https://hush.example.com?',
    ]) {
      assert.throws(
        () => loadConfig({}, { HUSH_PUBLIC_URL: bad }),
        (e: unknown) => e instanceof HushError && e.field === 'HUSH_PUBLIC_URL',
        bad,
      );
    }
    assert.throws(
      () => loadConfig({ publicUrl: 'nope' }, {}),
      (e: unknown) => e instanceof HushError && e.field === '--public-url',
    );
  });

  it('names the offending setting', () => {
    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [{ port: 'eighty' }, {}, '--port'],
      [{}, { HUSH_PORT: '70000' }, 'HUSH_PORT'],
      [{}, { HUSH_BOOTSTRAP_TOKEN: 'short' }, 'HUSH_BOOTSTRAP_TOKEN'],
      [{}, { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{}, { HUSH_LOG_LEVEL: 'loud' }, 'HUSH_LOG_LEVEL'],
    ];
    for (const [flags, env, field] of cases) {
      assert.throws(
        () => loadConfig(flags, env),
        (e: unknown) => e instanceof HushError && e.field === field,
        field,
      );
    }
  });

  it('reads the console idle sign-out in whole minutes, 15 by default, at most the session length', () => {
    assert.equal(loadConfig({}, {}).consoleIdleMinutes, 15);
    assert.equal(loadConfig({}, { HUSH_CONSOLE_IDLE_MINUTES: '60' }).consoleIdleMinutes, 60);
    for (const bad of ['0', '1.5', 'soon', '721', '-5'])
      assert.throws(
        () => loadConfig({}, { HUSH_CONSOLE_IDLE_MINUTES: bad }),
        (e: unknown) => e instanceof HushError && e.field === 'HUSH_CONSOLE_IDLE_MINUTES',
        bad,
      );
  });

  it('reads how long the console leaves a copied value on the clipboard, 30 s by default, 0 for never', () => {
    assert.equal(loadConfig({}, {}).consoleClipboardSeconds, 30);
    assert.equal(loadConfig({}, { HUSH_CONSOLE_CLIPBOARD_SECONDS: '0' }).consoleClipboardSeconds, 0);
    assert.equal(loadConfig({}, { HUSH_CONSOLE_CLIPBOARD_SECONDS: '120' }).consoleClipboardSeconds, 120);
    for (const bad of ['-1', '2.5', 'soon', '3601'])
      assert.throws(
        () => loadConfig({}, { HUSH_CONSOLE_CLIPBOARD_SECONDS: bad }),
        (e: unknown) => e instanceof HushError && e.field === 'HUSH_CONSOLE_CLIPBOARD_SECONDS',
        bad,
      );
  });

  it('bounds timeouts, connections and expensive crypto by default, and names a bad limit', () => {
    assert.deepEqual(loadConfig({}, {}).limits, {
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 30,
      keepAliveTimeoutSeconds: 72,
      maxConnections: 1024,
      keyGeneration: { concurrency: 1, queue: 4 },
      crypto: { concurrency: 2, queue: 32 },
      keyGenerationRateLimit: 10,
      jwtRefreshRateLimit: 60,
    });
    const set = loadConfig(
      {},
      { HUSH_REQUEST_TIMEOUT: '0.5', HUSH_HEADERS_TIMEOUT: '0.5', HUSH_KEYGEN_QUEUE: '0', HUSH_MAX_CONNECTIONS: '5' },
    ).limits;
    assert.deepEqual(
      [set.requestTimeoutSeconds, set.headersTimeoutSeconds, set.keyGeneration.queue, set.maxConnections],
      [0.5, 0.5, 0, 5],
    );
    assert.equal(
      loadConfig({}, { HUSH_REQUEST_TIMEOUT: '4' }).limits.headersTimeoutSeconds,
      4,
      'the default headers timeout never exceeds the request timeout',
    );
    for (const [env, field] of [
      [{ HUSH_REQUEST_TIMEOUT: '0' }, 'HUSH_REQUEST_TIMEOUT'],
      [{ HUSH_KEEP_ALIVE_TIMEOUT: 'soon' }, 'HUSH_KEEP_ALIVE_TIMEOUT'],
      [{ HUSH_HEADERS_TIMEOUT: '60', HUSH_REQUEST_TIMEOUT: '30' }, 'HUSH_HEADERS_TIMEOUT'],
      [{ HUSH_MAX_CONNECTIONS: '0' }, 'HUSH_MAX_CONNECTIONS'],
      [{ HUSH_KEYGEN_CONCURRENCY: '1.5' }, 'HUSH_KEYGEN_CONCURRENCY'],
      [{ HUSH_CRYPTO_QUEUE: '-1' }, 'HUSH_CRYPTO_QUEUE'],
      [{ HUSH_KEYGEN_RATE_LIMIT: '0' }, 'HUSH_KEYGEN_RATE_LIMIT'],
      [{ HUSH_JWT_REFRESH_RATE_LIMIT: 'many' }, 'HUSH_JWT_REFRESH_RATE_LIMIT'],
    ] as const) {
      assert.throws(
        () => loadConfig({}, env),
        (e: unknown) => e instanceof HushError && e.field === field,
        field,
      );
    }
  });

  it('HUSH_SQLITE_CHECKPOINT_THREAD: off unless 1 or true, and a 400-style error naming it otherwise', () => {
    assert.equal(loadConfig({}, {}).sqliteCheckpointThread, false);
    for (const on of ['1', 'true'])
      assert.equal(loadConfig({}, { HUSH_SQLITE_CHECKPOINT_THREAD: on }).sqliteCheckpointThread, true);
    for (const off of ['0', 'false', ''])
      assert.equal(loadConfig({}, { HUSH_SQLITE_CHECKPOINT_THREAD: off }).sqliteCheckpointThread, false);
    assert.throws(
      () => loadConfig({}, { HUSH_SQLITE_CHECKPOINT_THREAD: 'yes' }),
      (e: unknown) => e instanceof HushError && e.field === 'HUSH_SQLITE_CHECKPOINT_THREAD',
    );
  });
});
