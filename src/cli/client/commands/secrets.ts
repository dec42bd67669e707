import { Command } from 'commander';
import { parseAssignments } from '../assignments.js';
import { CliError, EXIT } from '../errors.js';
import type { HushClient } from '../http.js';
import { json, connect, MASK, note, out, table } from '../output.js';
import { normalizePathArg } from '../paths.js';
import { effectiveValue, fetchSecrets } from '../secrets.js';
import { resolveTarget, targetQuery, withTarget, type Target, type TargetOptions } from '../target.js';
import { importItems, type ImportResult } from '../upsert.js';

interface ListOptions extends TargetOptions {
  json?: boolean;
  reveal?: boolean;
}

/** The secrets with one of `keys` (any path unless --path), failing with the keys that are not there. */
async function findKeys(client: HushClient, target: Target, keys: string[], o: TargetOptions) {
  const all = await fetchSecrets(client, target, { path: o.path, tags: o.tags });
  const wanted = new Set(keys.map((k) => k.toUpperCase()));
  const found = all.filter((s) => wanted.has(s.key));
  const missing = [...wanted].filter((k) => !found.some((s) => s.key === k));
  const where = `${target.appName}/${target.envName}${o.path ? ` at ${normalizePathArg(o.path)}` : ''}`;
  if (missing.length)
    throw new CliError(
      `not found in ${where}: ${missing.join(', ')} ("hush secrets list" shows the keys)`,
      EXIT.notFound,
    );
  return found;
}

export function secretsCommand(): Command {
  const secrets = new Command('secrets')
    .description('List, read, set and delete the secrets of an app environment (the Phase API).')
    .addHelpText(
      'after',
      `
Examples:
  hush secrets list --app shop --env development
  hush secrets get DB_URL --app shop --env production
  hush secrets set DB_HOST=db.internal DB_PORT=5432 --app shop --env development --path /backend
  hush secrets delete OLD_KEY --app shop --env development`,
    );

  secrets.addCommand(
    withTarget(new Command('list'))
      .description('Secrets as a table (values masked unless --reveal), or JSON with values for machines.')
      .option('--json', 'the secrets as /v1/secrets/ returns them (values included)')
      .option('--reveal', 'show values in the table')
      .addHelpText(
        'after',
        '\nExamples:\n  hush secrets list --app shop --env development --tags db\n  hush secrets list --app shop --env production --json | jq -r ".[].key"',
      )
      .action(async (o: ListOptions) => {
        const client = connect();
        const target = await resolveTarget(client, o);
        const list = await fetchSecrets(client, target, { path: o.path, tags: o.tags });
        if (o.json) return json(list);
        if (!list.length)
          return out(
            `no secrets in ${target.appName}/${target.envName}${o.path ? ` at ${normalizePathArg(o.path)}` : ''}`,
          );
        out(
          table(
            ['KEY', 'VALUE', 'PATH', 'TAGS', 'VERSION', 'COMMENT'],
            list.map((s) => [
              s.key,
              (o.reveal ? effectiveValue(s) : MASK) + (s.override?.isActive ? ' (your override)' : ''),
              s.path,
              s.tags.join(', '),
              s.version,
              s.comment,
            ]),
          ),
        );
      }),
  );

  secrets.addCommand(
    withTarget(new Command('get'), { filters: false })
      .description(
        "Print one secret's value (your active override if you have one), for scripts: value=$(hush secrets get …).",
      )
      .argument('<key>', 'the key (case-insensitive)')
      .option('--json', 'the whole secret as JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  hush secrets get DB_URL --app shop --env production\n  hush secrets get API_KEY --app shop --env dev --path /backend --json',
      )
      .action(async (key: string, o: ListOptions) => {
        const client = connect();
        const target = await resolveTarget(client, o);
        const [first, ...more] = await findKeys(client, target, [key], o);
        if (more.length)
          throw new CliError(
            `${first!.key} exists at several paths (${[first!, ...more].map((s) => s.path).join(', ')}): choose one with --path`,
          );
        if (o.json) return json(first);
        process.stdout.write(`${effectiveValue(first!)}\n`);
      }),
  );

  secrets.addCommand(
    withTarget(new Command('set'), { filters: false })
      .description('Create or update keys in one request (all or nothing); keys are upper-cased as in Phase.')
      .argument(
        '<assignments...>',
        'KEY=VALUE pairs; KEY=- reads that value from standard input, or asks for it (hidden) on a terminal',
      )
      .option('--tags <tags>', 'comma-separated tags for these secrets (replacing their tags)')
      .option('--comment <text>', 'comment for these secrets')
      .addHelpText(
        'after',
        `
A value on the command line can be seen by other local users in the process list; read it from standard input
(KEY=-, asked for without echo on a terminal) or import a file (hush import) for anything sensitive. Keys are
environment variable names: letters, digits and _, not starting with a digit.

Examples:
  hush secrets set LOG_LEVEL=debug FEATURE_X=on --app shop --env development
  printf %s "$PASSWORD" | hush secrets set DB_PASSWORD=- --app shop --env production --path /backend`,
      )
      .action(async (assignments: string[], o: TargetOptions & { comment?: string }) => {
        const items = await parseAssignments(assignments);
        const client = connect();
        const target = await resolveTarget(client, o);
        const tags =
          o.tags === undefined
            ? undefined
            : o.tags
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean);
        const path = normalizePathArg(o.path ?? '/');
        const result: ImportResult = await importItems(
          client,
          target,
          items.map((i) => ({
            key: i.key,
            value: i.value,
            path,
            ...(tags ? { tags } : {}),
            ...(o.comment !== undefined ? { comment: o.comment } : {}),
          })),
          false,
        );
        for (const s of result.secrets)
          out(
            `${s.outcome === 'create' ? 'created' : s.outcome === 'update' ? 'updated' : 'unchanged'} ${s.key} at ${s.path}`,
          );
      }),
  );

  secrets.addCommand(
    withTarget(new Command('delete'), { filters: false })
      .description('Delete keys in one request (all or nothing: an unknown key deletes none).')
      .argument('<keys...>', 'keys to delete (case-insensitive)')
      .addHelpText(
        'after',
        '\nExamples:\n  hush secrets delete OLD_TOKEN --app shop --env development\n  hush secrets delete A B C --app shop --env staging --path /legacy',
      )
      .action(async (keys: string[], o: TargetOptions) => {
        const client = connect();
        const target = await resolveTarget(client, o);
        const found = await findKeys(client, target, keys, o);
        const answer = await client.request<{ message: string }>('DELETE', '/v1/secrets/', {
          query: targetQuery(target),
          body: { secrets: found.map((s) => s.id) },
        });
        for (const s of found) note(`deleted ${s.key} at ${s.path}`);
        out(answer.message);
      }),
  );
  return secrets;
}
