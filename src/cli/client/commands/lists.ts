import { Command } from 'commander';
import { parseAssignments } from '../assignments.js';
import { CliError, EXIT } from '../errors.js';
import type { HushClient } from '../http.js';
import { connect, json, MASK, out, table } from '../output.js';

/** The lists engine's shapes (issue 6): a list and a value. */
interface SecretList {
  id: number | string;
  name: string;
  value_count?: number;
  updated_at?: string;
}
interface ListValue {
  id: number | string;
  list?: unknown;
  secret_key: string;
  secret_value: string;
  version?: number;
  updated_at?: string;
}

/** A collection answer: a bare array, or one wrapped in `data`/`results`. */
function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  for (const field of ['data', 'results', 'lists', 'values']) {
    const v = (body as Record<string, unknown> | null)?.[field];
    if (Array.isArray(v)) return v as T[];
  }
  throw new CliError('the server answered a collection in an unknown shape: is the secret lists engine there?');
}

const enc = encodeURIComponent;
const listPath = (list: string) => `/api/secrets/lists/${enc(list)}`;
const valuePath = (list: string, key: string) => `${listPath(list)}/values/${enc(key)}`;
const noList = (list: string) => `no secret list "${list}": "hush lists" shows the lists`;

async function getValue(client: HushClient, list: string, key: string): Promise<ListValue | undefined> {
  const { status, body } = await client.send('GET', valuePath(list, key));
  if (status === 404) {
    // Either the value or the list is missing: only the list's absence is an error here.
    await client.request('GET', listPath(list), { notFound: noList(list) });
    return undefined;
  }
  if (status !== 200) await client.request('GET', valuePath(list, key));
  return body as ListValue;
}

function valuesCommand(): Command {
  const values = new Command('values').description('Read and write the key/value pairs of a list.').addHelpText(
    'after',
    `
Examples:
  hush lists values list web-servers
  hush lists values set web-servers API_KEY=abc123 DB_PASSWORD=-
  hush lists values get web-servers API_KEY
  hush lists values delete web-servers API_KEY`,
  );

  values.addCommand(
    new Command('list')
      .description('The values of a list (masked unless --reveal).')
      .argument('<list>', 'list name or id')
      .option('--reveal', 'show the values')
      .option('--json', 'machine-readable output, values included')
      .action(async (list: string, o: { reveal?: boolean; json?: boolean }) => {
        const rows = itemsOf<ListValue>(
          await connect().request('GET', `${listPath(list)}/values`, { notFound: noList(list) }),
        );
        if (o.json) return json(rows);
        if (!rows.length) return out(`list "${list}" is empty`);
        out(
          table(
            ['KEY', 'VALUE', 'VERSION', 'UPDATED'],
            rows.map((v) => [v.secret_key, o.reveal ? v.secret_value : MASK, v.version ?? '', v.updated_at ?? '']),
          ),
        );
      }),
  );

  values.addCommand(
    new Command('get')
      .description('Print one value, for scripts.')
      .argument('<list>', 'list name or id')
      .argument('<key>', "the value's key (or id)")
      .option('--json', 'the whole value object')
      .action(async (list: string, key: string, o: { json?: boolean }) => {
        const value = await getValue(connect(), list, key);
        if (!value)
          throw new CliError(
            `no value "${key}" in list "${list}": "hush lists values list ${list}" shows the keys`,
            EXIT.notFound,
          );
        if (o.json) return json(value);
        process.stdout.write(`${value.secret_value}\n`);
      }),
  );

  values.addCommand(
    new Command('set')
      .description(
        'Create or update values (KEY=VALUE; KEY=- reads the value from standard input, or asks for it hidden on a terminal). One request per key.',
      )
      .argument('<list>', 'list name or id')
      .argument('<assignments...>', 'KEY=VALUE pairs')
      .action(async (list: string, assignments: string[]) => {
        const client = connect();
        for (const { key, value } of await parseAssignments(assignments)) {
          const existing = await getValue(client, list, key);
          const body = { secret_key: key, secret_value: value };
          if (existing) await client.request('POST', valuePath(list, key), { body });
          else await client.request('POST', `${listPath(list)}/values`, { body });
          out(`${existing ? 'updated' : 'created'} ${key} in ${list}`);
        }
      }),
  );

  values.addCommand(
    new Command('delete')
      .description('Delete values from a list.')
      .argument('<list>', 'list name or id')
      .argument('<keys...>', 'keys (or ids)')
      .action(async (list: string, keys: string[]) => {
        const client = connect();
        for (const key of keys) {
          await client.request('DELETE', valuePath(list, key), {
            notFound: `no value "${key}" in list "${list}" (or no such list): "hush lists values list ${list}"`,
          });
          out(`deleted ${key} from ${list}`);
        }
      }),
  );
  return values;
}

export function listsCommand(): Command {
  const lists = new Command('lists')
    .description('Secret lists (the NetActuate-style engine): list, create, rename, delete, and their values.')
    .addHelpText(
      'after',
      `
Examples:
  hush lists
  hush lists create web-servers
  hush lists rename web-servers web-tier
  hush lists values set web-tier API_KEY=abc123
  hush lists delete web-tier`,
    );

  lists.addCommand(
    new Command('list')
      .description('The lists with their value counts (the default: "hush lists").')
      .option('--json', 'machine-readable output')
      .action(async (o: { json?: boolean }) => {
        const rows = itemsOf<SecretList>(await connect().request('GET', '/api/secrets/lists'));
        if (o.json) return json(rows);
        if (!rows.length) return out('no secret lists');
        out(
          table(
            ['NAME', 'VALUES', 'ID', 'UPDATED'],
            rows.map((l) => [l.name, l.value_count ?? '', l.id, l.updated_at ?? '']),
          ),
        );
      }),
    { isDefault: true },
  );

  lists.addCommand(
    new Command('create')
      .description('Create an empty list (the server picks a unique name when none is given).')
      .argument('[name]', "the list's name, unique in the instance")
      .action(async (name?: string) => {
        const created = await connect().request<SecretList>(
          'POST',
          '/api/secrets/lists',
          name === undefined ? {} : { body: { name } },
        );
        out(`created list "${created.name}" (id ${created.id})`);
      }),
  );

  lists.addCommand(
    new Command('rename')
      .description('Rename a list (exit 7 when the new name is taken).')
      .argument('<list>', 'current name or id')
      .argument('<new-name>', 'the new name')
      .action(async (list: string, name: string) => {
        const renamed = await connect().request<SecretList>('POST', listPath(list), {
          body: { name },
          notFound: noList(list),
        });
        out(`renamed list "${list}" to "${renamed.name ?? name}"`);
      }),
  );

  lists.addCommand(
    new Command('delete')
      .description('Delete a list with all its values.')
      .argument('<list>', 'name or id')
      .action(async (list: string) => {
        await connect().request('DELETE', listPath(list), { notFound: noList(list) });
        out(`deleted list "${list}" and its values`);
      }),
  );

  lists.addCommand(valuesCommand());
  return lists;
}
