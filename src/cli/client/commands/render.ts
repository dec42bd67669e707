import { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors.js';
import { connect, note } from '../output.js';

export function renderCommand(): Command {
  return new Command('render')
    .description("Fill a template's ${{secret.NAME}} references on the server (the secret lists engine).")
    .argument('<file>', 'the template (- for standard input)')
    .option('-o, --output <file>', 'write the result to this file (mode 0600) instead of standard output')
    .addHelpText(
      'after',
      `
Every \${{secret.NAME}} (spaces allowed inside the braces) is replaced by the value of the list value with that key;
$\${{…}} stays literal. An unknown name, or one you may not read, fails the whole render (exit 1) and names
every missing reference: nothing is half-rendered. Each value substituted is an audited read on the server.

Examples:
  hush render cloud-init.yaml -o /tmp/user-data
  echo 'KEY=\${{secret.API_KEY}}' | hush render -`,
    )
    .action(async (file: string, o: { output?: string }) => {
      let template: string;
      try {
        template = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const client = connect();
      const { rendered } = await client.request<{ rendered: string }>('POST', '/api/secrets/render', {
        body: { template },
      });
      if (typeof rendered !== 'string')
        throw new CliError(
          `the server at ${client.url} answered the render without "rendered": is the secret lists engine there?`,
        );
      if (o.output) {
        fs.writeFileSync(o.output, rendered, { mode: 0o600 });
        fs.chmodSync(o.output, 0o600);
        note(`rendered ${file} to ${o.output}`);
      } else process.stdout.write(rendered);
    });
}
