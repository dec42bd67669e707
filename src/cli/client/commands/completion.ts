import { Command } from 'commander';
import { CliError } from '../errors.js';
import { EXPORT_FORMATS } from '../formats.js';
import { IMPORT_FORMATS } from '../import-file.js';

interface Node {
  path: string;
  words: string[];
}

/** Every command path (`hush`, `hush secrets`, …) with the subcommands and long options it accepts. */
function commandTable(root: Command): Node[] {
  const nodes: Node[] = [];
  const walk = (c: Command, path: string) => {
    const subs = c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);
    const options = c.options.map((o) => o.long).filter((l): l is string => Boolean(l));
    nodes.push({ path, words: [...subs.map((s) => s.name()), ...options, '--help'] });
    for (const s of subs) walk(s, `${path} ${s.name()}`);
  };
  walk(root, 'hush');
  return nodes;
}

const FORMAT_VALUES = [...new Set([...EXPORT_FORMATS, ...IMPORT_FORMATS])].join(' ');

function bashScript(root: Command): string {
  const cases = commandTable(root)
    .map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`)
    .join('\n');
  return `# hush completion for bash: source <(hush completion bash), or save it in /etc/bash_completion.d/hush
_hush_complete() {
  local cur prev path word words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    --format) COMPREPLY=( $(compgen -W "${FORMAT_VALUES}" -- "$cur") ); return ;;
    -o|--output) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  path="hush"
  for (( i=1; i<COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == "--" ]] && { COMPREPLY=( $(compgen -c -- "$cur") ); return; }
    _hush_words "$path $word" && path="$path $word"
  done
  _hush_words "$path"
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [[ \${#COMPREPLY[@]} -eq 0 && "$cur" != -* ]] && COMPREPLY=( $(compgen -f -- "$cur") )
}
_hush_words() {
  words=""
  case "$1" in
${cases}
    *) return 1 ;;
  esac
}
complete -o filenames -F _hush_complete hush
`;
}

function zshScript(root: Command): string {
  const cases = commandTable(root)
    .map((n) => `    "${n.path}") reply=(${n.words.join(' ')}) ;;`)
    .join('\n');
  return `#compdef hush
# hush completion for zsh: source <(hush completion zsh), or save it as _hush in a directory of $fpath
_hush_words() {
  reply=()
  case "$1" in
${cases}
    *) return 1 ;;
  esac
}
_hush() {
  local path_ word i
  local -a reply
  if [[ "\${words[CURRENT-1]}" == --format ]]; then compadd -- ${FORMAT_VALUES}; return; fi
  if [[ "\${words[CURRENT-1]}" == (-o|--output) ]]; then _files; return; fi
  path_="hush"
  for (( i=2; i<CURRENT; i++ )); do
    word="\${words[i]}"
    if [[ "$word" == "--" ]]; then _command_names; return; fi
    _hush_words "$path_ $word" && path_="$path_ $word"
  done
  _hush_words "$path_"
  compadd -- "\${reply[@]}" || _files
}
compdef _hush hush
`;
}

export function completionCommand(root: () => Command): Command {
  return new Command('completion')
    .description('Print the shell completion script for bash or zsh.')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      `
Examples:
  source <(hush completion bash)                      # this shell; add the line to ~/.bashrc to keep it
  hush completion zsh > "\${fpath[1]}/_hush"           # zsh, then restart the shell`,
    )
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashScript(root()));
      else if (shell === 'zsh') process.stdout.write(zshScript(root()));
      else throw new CliError(`no completion for "${shell}": choose bash or zsh`);
    });
}
