import v8 from 'node:v8';
import pino from 'pino';
import { buildApp } from './app.js';
import { bootstrapAdmin } from './core/bootstrap.js';
import type { HushConfig } from './core/config.js';
import { interruptedRotationAdvice } from './core/keyring/problems.js';
import { startAuditRetention } from './core/audit/retention.js';
import { HushError } from './core/errors.js';
import type { LogStream } from './http/logging.js';
import { keyFileTooOpen } from './core/keyring/root-key.js';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent (issue 18 item 6).
 * Left to itself, V8 on a machine with much memory lets it grow to four times that (its largest growing factor)
 * before collecting: Hush keeps about 60 MiB (mostly its code, module sources and compiled schemas), so the bench's
 * sustained mixed load reached 410 MiB of resident memory that was mostly garbage waiting for a collection. 20 %
 * keeps the heap near what is live (peak 230 MiB in the same run), for more frequent incremental, mostly concurrent,
 * full collections. V8 reads the flag at every full collection, so setting it in the running process takes effect.
 */
export const HEAP_GROWING_PERCENT = 20;

function boundHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Prints the first admin's token once, on the terminal only: never into the log stream. */
function announceBootstrap(result: { username: string; token: string; tokenSupplied: boolean }, address: string): void {
  const lines = result.tokenSupplied
    ? [`Hush: created the admin user "${result.username}" with the token from HUSH_BOOTSTRAP_TOKEN.`]
    : [
        `Hush: created the admin user "${result.username}". Its API token (shown only this once, store it now):`,
        '',
        `    ${result.token}`,
        '',
        `Try: curl -H "Authorization: Token ${result.token}" ${address}/api/users/users/`,
        'Lost it? "hush admin token create admin" on this machine (same --data-dir or DATABASE_URL) makes a new one.',
      ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

/** Why the server could not listen, in words that say what to change. */
function listenFailure(err: unknown, config: HushConfig): HushError {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  const why =
    code === 'EADDRINUSE'
      ? 'the port is already in use (by another Hush or another program): choose another with --port or HUSH_PORT'
      : code === 'EACCES'
        ? 'this user may not listen there (ports below 1024 need privileges): choose another with --port or HUSH_PORT'
        : code === 'EADDRNOTAVAIL'
          ? `${config.host} is not an address of this machine: choose another with --host or HUSH_HOST`
          : (err as Error).message;
  return new HushError(
    'unavailable',
    `cannot listen on ${where}: ${why}. Nothing was served, and no admin was created yet.`,
    { cause: err },
  );
}

/** HUSH_AUDIT_RETENTION_DAYS: archives older entries hourly into HUSH_AUDIT_ARCHIVE_DIR (docs/audit.md §8). */
function retentionOf(
  core: Awaited<ReturnType<typeof buildApp>>['core'],
  log: Awaited<ReturnType<typeof buildApp>>['server']['log'],
): { stop(): Promise<void> } | undefined {
  const { auditRetentionDays: days, auditArchiveDir: dir } = core.config;
  if (days === undefined || dir === undefined) return undefined;
  log.info({ days, dir }, 'audit retention: entries older than the retention are archived hourly');
  return startAuditRetention(core, { days, dir }, ({ error, result }) => {
    if (error) log.error({ err: error }, 'audit retention could not archive; it tries again within the hour');
    else if (result?.checkpoint)
      log.info({ entries: result.entries, file: result.file }, 'audit retention archived older entries');
  });
}

/**
 * Standard output, written asynchronously: while one write is in flight the next lines gather behind it, so under
 * load many requests' lines go out in one write, off the requests' path (a synchronous write per request line cost
 * about 5 % of a cheap request's CPU, issue 18); on a quiet server each line is written as it comes. pino flushes
 * what is pending when the process exits, also through process.exit and an uncaught exception; a SIGKILL loses the
 * lines not yet written (the audit log, in the database, is the record that must not be lost).
 */
function asyncStdout(): LogStream {
  // A log collector that stops reading must not grow the process without bound: past 16 MiB waiting, lines are dropped.
  return pino.destination({ dest: 1, sync: false, maxLength: 16 * 1024 * 1024 });
}

/** config → buildApp → listen → first admin, and a clean shutdown on SIGINT/SIGTERM. */
export async function runServer(config: HushConfig): Promise<void> {
  boundHeapGrowth();
  const app = await buildApp(config, { logStream: asyncStdout() });
  const { server, core } = app;
  if (!config.rootKey && keyFileTooOpen(config.rootKeyFile)) {
    server.log.warn({ file: config.rootKeyFile }, 'root key file is readable by other users; run chmod 600 on it');
  }
  const { interruptedRotation, removedTempFiles } = core.keyringState;
  if (interruptedRotation)
    server.log.warn({ file: interruptedRotation.nextFile }, interruptedRotationAdvice(interruptedRotation, config));
  if (removedTempFiles.length)
    server.log.warn({ files: removedTempFiles }, 'removed temporary key files an interrupted key write had left');
  let address: string;
  let bootstrap;
  try {
    address = await server.listen({ host: config.host, port: config.port }).catch((e: unknown) => {
      throw listenFailure(e, config);
    });
    // Only now: a start that fails before listening (a busy port) must not create an admin whose token nobody sees.
    // The first start that gets here creates it and prints the token; later starts find it and print nothing.
    bootstrap = await bootstrapAdmin(core);
  } catch (e) {
    await app.close();
    throw e;
  }
  // The token before the "listening" line: whoever waits for that line finds the token already written.
  if (bootstrap) announceBootstrap(bootstrap, address);
  server.log.info(
    { address, database: core.store.location, rootKeyCreated: core.keyringState.rootKeyCreated },
    'Hush is listening',
  );

  const retention = retentionOf(app.core, server.log);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    (retention?.stop() ?? Promise.resolve())
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err) => {
          server.log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
