import { Command } from 'commander';
import { loadSettings } from '../config.js';
import { createClient } from '../http.js';
import { json, out } from '../output.js';

/** GET /api/users/me/ (the admin engine). */
export interface Me {
  user: { id: number; username: string; kind: 'person' | 'service'; is_superuser: boolean };
  token: { id: number; display: string; description: string; expires: string | null; write_enabled: boolean } | null;
}

export function whoamiCommand(): Command {
  return new Command('whoami')
    .description('Show who the token belongs to, on which server, and what the token may do.')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  hush whoami\n  HUSH_TOKEN=… hush whoami --json')
    .action(async (o: { json?: boolean }) => {
      const settings = loadSettings();
      const me = await createClient(settings).request<Me>('GET', '/api/users/me/');
      if (o.json) return json({ url: settings.url, ...me });
      const u = me.user;
      out(
        `${u.username} (${u.kind === 'service' ? 'service account' : 'person'}${u.is_superuser ? ', superuser' : ''}) on ${settings.url}`,
      );
      if (me.token) {
        const t = me.token;
        out(
          `token ${t.display}${t.description ? ` "${t.description}"` : ''}: ${t.write_enabled ? 'read-write' : 'read-only'}, ${t.expires ? `expires ${t.expires}` : 'never expires'} (from ${settings.from.token === 'HUSH_TOKEN' ? 'HUSH_TOKEN' : 'the config file'})`,
        );
      }
    });
}
