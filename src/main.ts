import { buildApp } from './app.js';
import type { HushConfig } from './core/config.js';
import { interruptedRotationAdvice } from './core/keyring/problems.js';
import { keyFileTooOpen } from './core/keyring/root-key.js';

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
      ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

/** config → buildApp → listen, and a clean shutdown on SIGINT/SIGTERM. */
export async function runServer(config: HushConfig): Promise<void> {
  const app = await buildApp(config);
  const { server, core } = app;
  if (!config.rootKey && keyFileTooOpen(config.rootKeyFile)) {
    server.log.warn({ file: config.rootKeyFile }, 'root key file is readable by other users; run chmod 600 on it');
  }
  const { interruptedRotation, removedTempFiles } = core.keyringState;
  if (interruptedRotation) server.log.warn({ file: interruptedRotation.nextFile }, interruptedRotationAdvice(interruptedRotation, config));
  if (removedTempFiles.length) server.log.warn({ files: removedTempFiles }, 'removed temporary key files an interrupted key write had left');
  const address = await server.listen({ host: config.host, port: config.port });
  server.log.info({ address, database: core.store.location, rootKeyCreated: core.keyringState.rootKeyCreated }, 'Hush is listening');
  if (app.bootstrap) announceBootstrap(app.bootstrap, address);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    app.close().then(
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
