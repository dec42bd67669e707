import { ENV_VAR_NAME, ENV_VAR_NAME_RULE } from '../../core/env-names.js';
import { CliError } from './errors.js';
import { askHidden } from './prompt.js';

export interface Assignment {
  key: string;
  value: string;
}

/** A key every export format can write (`hush export --format shell` included); `where` names its place. */
export function checkKey(key: string, where?: string): void {
  if (!ENV_VAR_NAME.test(key))
    throw new CliError(`${where ? `${where}: ` : ''}"${key}" is not a valid key: use ${ENV_VAR_NAME_RULE}`);
}

/** The value of `KEY=-`: typed at a hidden prompt on a terminal, else all of standard input without its last line break. */
async function valueFromStdin(key: string): Promise<string> {
  if (process.stdin.isTTY) return askHidden(`Value for ${key} (not shown): `);
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** `KEY=VALUE` arguments (split on the first `=`); one `KEY=-` may read its value from standard input or a prompt. */
export async function parseAssignments(args: string[]): Promise<Assignment[]> {
  const pairs = args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliError(`"${arg}" is not KEY=VALUE`);
    const key = arg.slice(0, eq);
    checkKey(key);
    return { key, value: arg.slice(eq + 1) };
  });
  const keys = pairs.map((p) => p.key.toUpperCase());
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new CliError(`${dup} is given twice`);
  if (pairs.filter((p) => p.value === '-').length > 1)
    throw new CliError('only one KEY=- may read its value from standard input');
  // Checked whole first: no prompt for a command that is refused anyway.
  for (const p of pairs) if (p.value === '-') p.value = await valueFromStdin(p.key);
  return pairs;
}
