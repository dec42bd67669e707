import { Command } from 'commander';
import { configPath, isInsecureRemote, normalizeUrl, writeLogin } from '../config.js';
import { CliError, EXIT } from '../errors.js';
import { createClient } from '../http.js';
import { note, out } from '../output.js';
import { askHidden } from '../prompt.js';
import type { Me } from './whoami.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

export function loginCommand(): Command {
  return new Command('login')
    .description('Store the server address and your token (checked first) in the config file, mode 0600.')
    .requiredOption('--url <url>', 'the Hush server, e.g. https://hush.example.com')
    .option('--token <token>', 'the API token (visible to other local users in the process list: prefer --token-stdin)')
    .option('--token-stdin', 'read the token from standard input')
    .addHelpText(
      'after',
      `
Without --token or --token-stdin, the token is asked for on the terminal (not echoed).
The file is $XDG_CONFIG_HOME/hush/config.json (default ~/.config/hush/config.json); HUSH_URL and HUSH_TOKEN
override it, so pipelines need no login at all.

Examples:
  hush login --url http://127.0.0.1:8000
  echo "$HUSH_CI_TOKEN" | hush login --url https://hush.example.com --token-stdin`,
    )
    .action(async (o: { url: string; token?: string; tokenStdin?: boolean }) => {
      const url = normalizeUrl(o.url);
      let token = o.token;
      if (token === undefined)
        token = o.tokenStdin || !process.stdin.isTTY ? await readAll(process.stdin) : await askHidden('Token: ');
      token = token.trim();
      if (!token)
        throw new CliError(
          'no token given: pass --token-stdin with the token on standard input, or type it when asked',
          EXIT.unauthenticated,
        );
      if (/\s/.test(token))
        throw new CliError(
          'the token must be one word without spaces (40 hex characters for a Hush token)',
          EXIT.unauthenticated,
        );
      const me = await createClient({ url, token }).request<Me>('GET', '/api/users/me/');
      writeLogin({ url, token });
      if (isInsecureRemote(url))
        note(`warning: ${url} is plain HTTP to another machine; the token crosses the network readable. Use https://.`);
      out(`logged in to ${url} as ${me.user.username} (${me.user.kind}); saved in ${configPath()}`);
    });
}
