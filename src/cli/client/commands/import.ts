import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import fs from 'node:fs';
import { checkKey } from '../assignments.js';
import { CliError } from '../errors.js';
import { formatOf, parseImportFile, type FileEntry } from '../import-file.js';
import { connect, json, note, out, table } from '../output.js';
import { normalizePathArg } from '../paths.js';
import { resolveTarget, withTarget, type TargetOptions } from '../target.js';
import { importItems, type UpsertItem } from '../upsert.js';

interface ImportOptions extends TargetOptions {
  format?: string;
  dryRun?: boolean;
  progress?: boolean;
  json?: boolean;
}

/** Files larger than this get a progress bar on a terminal (or with --progress). */
const PROGRESS_FROM_BYTES = 256 * 1024;

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** A key given twice keeps its last value, as dotenv does; the earlier place is named so it can be cleaned up. */
function lastWins(entries: FileEntry[], path: string): { items: UpsertItem[]; from: FileEntry[] } {
  const at = new Map<string, number>();
  const kept: FileEntry[] = [];
  for (const e of entries) {
    const place = `${normalizePathArg(e.path ?? path)}\u0000${e.key.toUpperCase()}`;
    const before = at.get(place);
    if (before !== undefined) {
      note(`warning: ${e.key} at ${kept[before]!.where} is set again at ${e.where}; the later value is used`);
      kept[before] = e;
    } else {
      at.set(place, kept.length);
      kept.push(e);
    }
  }
  const items = kept.map((e) => ({
    key: e.key,
    value: e.value,
    path: normalizePathArg(e.path ?? path),
    ...(e.comment !== undefined ? { comment: e.comment } : {}),
    ...(e.tags ? { tags: e.tags } : {}),
  }));
  return { items, from: kept };
}

export function importCommand(): Command {
  return withTarget(new Command('import'), { filters: false })
    .description(
      'Create or update secrets from a dotenv or JSON file, all or nothing; --dry-run shows what would change.',
    )
    .argument('<file>', 'the file (- for standard input); *.json is read as JSON, anything else as dotenv')
    .option('--format <format>', 'dotenv or json, instead of guessing from the name')
    .option('--dry-run', 'show what would be created, updated or left unchanged, and change nothing')
    .option('--progress', 'show the upload progress bar even when standard error is not a terminal')
    .option('--json', 'print the outcome per key as JSON')
    .addHelpText(
      'after',
      `
The whole file is one request and one transaction (up to 10,000 keys): one bad entry (named by its line) stores
nothing. Keys must be environment variable names (letters, digits and _). Omitted comments and tags of existing
secrets are kept. Values never appear in the output. The request carries an Idempotency-Key: if the connection
breaks after it was sent, it is sent once more and the server applies it at most once.

Examples:
  hush import .env --app shop --env development --dry-run
  hush import .env --app shop --env development
  hush secrets list --app shop --env staging --json > staging.json && hush import staging.json --app shop --env qa`,
    )
    .action(async (file: string, o: ImportOptions) => {
      const format = formatOf(file, o.format);
      const text = await readInput(file);
      const entries = parseImportFile(text, format, file === '-' ? 'stdin' : file);
      for (const e of entries) checkKey(e.key, e.where);
      const { items, from } = lastWins(entries, o.path ?? '/');
      if (!items.length) throw new CliError(`${file} holds no secrets`);
      const client = connect();
      const target = await resolveTarget(client, o);

      const showBar = o.progress || (process.stderr.isTTY && Buffer.byteLength(text) >= PROGRESS_FROM_BYTES);
      const bar = showBar
        ? new SingleBar({
            format: 'import {bar} {percentage}% | {stage}',
            noTTYOutput: true,
            notTTYSchedule: 250,
            stream: process.stderr,
            hideCursor: true,
          })
        : undefined;
      bar?.start(1, 0, { stage: `sending ${items.length} keys` });
      let result;
      try {
        result = await importItems(client, target, items, Boolean(o.dryRun), {
          describeItem: (i) => `${from[i]?.where ?? `item ${i}`} (${from[i]?.key ?? '?'})`,
          onUpload: (sent, total) => {
            bar?.setTotal(total);
            bar?.update(sent, {
              stage:
                sent < total
                  ? `sending ${items.length} keys`
                  : o.dryRun
                    ? 'comparing on the server'
                    : 'applying on the server (one transaction)',
            });
          },
        });
        bar?.update(bar.getTotal(), { stage: 'done' });
      } finally {
        bar?.stop();
      }

      if (o.json) return json(result);
      const verb = { create: 'create', update: 'update', unchanged: 'unchanged' } as const;
      if (o.dryRun) {
        const changing = result.secrets.filter((s) => s.outcome !== 'unchanged');
        if (changing.length)
          out(
            table(
              ['CHANGE', 'KEY', 'PATH'],
              changing.map((s) => [verb[s.outcome], s.key, s.path]),
            ),
          );
        out(
          `dry run: would create ${result.created}, update ${result.updated}, leave ${result.unchanged} unchanged in ${target.appName}/${target.envName}; nothing was changed`,
        );
        return;
      }
      out(
        `imported into ${target.appName}/${target.envName}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
      );
    });
}
