import { Command } from 'commander';
import { configFrom, withStoreOptions } from '../options.js';

export function serveCommand(): Command {
  return withStoreOptions(
    new Command('serve')
      .description('Run the Hush server (creates ./data, the root key and an admin token on first start).')
      .option('--host <host>', 'address to listen on (env HUSH_HOST, default 127.0.0.1)')
      .option('--port <port>', 'port to listen on (env HUSH_PORT, default 8000)')
      .option(
        '--log-level <level>',
        'fatal, error, warn, info, debug, trace or silent (env HUSH_LOG_LEVEL, default info)',
      )
      .option(
        '--public-url <url>',
        'the URL clients reach Hush at, for absolute URLs in answers (env HUSH_PUBLIC_URL; default: from the Host header)',
      ),
  )
    .addHelpText(
      'after',
      `
Environment:
  HUSH_HOST, HUSH_PORT, HUSH_DATA_DIR, HUSH_LOG_LEVEL   as the flags above
  DATABASE_URL             postgres://… to use PostgreSQL; several servers may share it
  HUSH_ROOT_KEY_FILE       root key file (default <data-dir>/root.key, created mode 0600)
  HUSH_ROOT_KEY            the root key itself (32 bytes, base64 or hex) instead of a file
  HUSH_BOOTSTRAP_TOKEN     40 hex characters: the first start gives the admin this token
  HUSH_BOOTSTRAP_PASSWORD  the first start gives the admin this password
  HUSH_TRUST_PROXY         true, or a list of proxy addresses whose X-Forwarded-* to trust
  HUSH_PUBLIC_URL          as --public-url; set it behind a proxy, or any client can choose the URLs in answers
  HUSH_BODY_LIMIT          largest request body in bytes (default 2097152)
  HUSH_HEADERS_TIMEOUT     seconds a client has to send its request headers (default 10)
  HUSH_REQUEST_TIMEOUT     seconds a client has to send a whole request, body included (default 30; then 408)
  HUSH_KEEP_ALIVE_TIMEOUT  seconds an idle keep-alive connection stays open (default 72)
  HUSH_MAX_CONNECTIONS     open connections accepted at once; more are closed at once (default 1024)
  HUSH_KEYGEN_CONCURRENCY, HUSH_KEYGEN_QUEUE
                           RSA key generations running at once (default 1) and waiting (default 4); then 429
  HUSH_CRYPTO_CONCURRENCY, HUSH_CRYPTO_QUEUE
                           password hashing and checks, session-key unlocks, Passbolt login challenges running
                           at once (default 2) and waiting (default 32); then 429
  HUSH_KEYGEN_RATE_LIMIT   RSA key pairs one user may generate per minute (default 10)
  HUSH_PROVISION_RATE_LIMIT  password logins, token provisioning, Passbolt JWT logins per address per minute (default 10)
  HUSH_JWT_REFRESH_RATE_LIMIT  Passbolt JWT refreshes per address per minute (default 60)
  HUSH_CONSOLE_IDLE_MINUTES  minutes without input after which the web console signs out (default 15, at most 720)
  HUSH_CONSOLE_CLIPBOARD_SECONDS  seconds after which the console clears a value it copied (default 30, 0 = never)

Examples:
  hush serve
  hush serve --port 8123 --data-dir /tmp/x
  HUSH_BOOTSTRAP_TOKEN=$(openssl rand -hex 20) hush serve --host 0.0.0.0`,
    )
    .action(async (options) => {
      // Loaded here: the server's modules take a second to import, which no client command should pay.
      const { runServer } = await import('../../main.js');
      await runServer(configFrom(options));
    });
}
