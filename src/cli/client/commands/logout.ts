import { Command } from 'commander';
import { configPath, loadSettings, removeLogin } from '../config.js';
import { createClient } from '../http.js';
import { note, out } from '../output.js';
import type { Me } from './whoami.js';

export function logoutCommand(): Command {
  return new Command('logout')
    .description('Forget the stored server and token (with --revoke, first revoke the token on the server).')
    .option('--revoke', 'also revoke the token on the server, so no copy of it keeps working')
    .addHelpText('after', '\nExamples:\n  hush logout\n  hush logout --revoke')
    .action(async (o: { revoke?: boolean }) => {
      if (o.revoke) {
        const settings = loadSettings();
        const client = createClient(settings);
        const me = await client.request<Me>('GET', '/api/users/me/');
        if (me.token) await client.request('DELETE', `/api/users/tokens/${me.token.id}/`);
        out(`revoked token ${me.token?.display ?? '(none: a session)'} on ${settings.url}`);
      }
      const file = configPath();
      out(removeLogin(file) ? `logged out: removed ${file}` : `not logged in (no ${file})`);
      if (process.env.HUSH_TOKEN) note('note: HUSH_TOKEN is still set in this environment and still used');
    });
}
