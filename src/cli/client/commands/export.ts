import { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors.js';
import { EXPORT_FORMATS, render, type ExportFormat } from '../formats.js';
import { connect, note } from '../output.js';
import { asVariables, fetchSecrets } from '../secrets.js';
import { resolveTarget, withTarget, type TargetOptions } from '../target.js';

interface ExportOptions extends TargetOptions {
  format: string;
  output?: string;
  name?: string;
  namespace?: string;
}

export function exportCommand(): Command {
  return withTarget(new Command('export'))
    .description('Print the secrets in the format a tool wants: dotenv, json, yaml, shell or k8s-secret.')
    .option('--format <format>', EXPORT_FORMATS.join(' | '), 'dotenv')
    .option('-o, --output <file>', 'write to this file (created with mode 0600) instead of standard output')
    .option('--name <name>', "k8s-secret: the Secret's name (default: <app>-<env>)")
    .option('--namespace <namespace>', 'k8s-secret: the namespace')
    .addHelpText(
      'after',
      `
Values are exact in every format: dotenv output parses back to the same values with the dotenv package (quotes,
line breaks and $ included; a value holding ', \` and " at once has no dotenv form and is refused), shell output
is single-quoted for sh/bash/zsh, k8s-secret is a v1 Secret with base64 data. Active personal overrides apply.

Examples:
  hush export --app shop --env development > .env
  hush export --app shop --env production --format json | jq .
  eval "$(hush export --app shop --env staging --format shell)"
  hush export --app shop --env production --format k8s-secret --namespace shop | kubectl apply -f -`,
    )
    .action(async (o: ExportOptions) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(o.format))
        throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      const client = connect();
      const target = await resolveTarget(client, o);
      const vars = asVariables(await fetchSecrets(client, target, { path: o.path, tags: o.tags }), (m) =>
        note(`hush: ${m}`),
      );
      const text = render(o.format as ExportFormat, vars, {
        name: o.name ?? `${target.appName}-${target.envName}`,
        namespace: o.namespace,
      });
      if (o.output) {
        fs.writeFileSync(o.output, text, { mode: 0o600 });
        fs.chmodSync(o.output, 0o600);
        note(`wrote ${vars.size} secrets to ${o.output}`);
      } else process.stdout.write(text);
    });
}
