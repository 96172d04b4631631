import type { Command, Option } from 'commander';

/**
 * Bash completion for a commander program, generated from the program itself so that it never
 * lags behind it: subcommands and flags at every level, and the values of flags that have a fixed
 * set (`-o`, `--role`, `--kind`). zsh uses the same function through bashcompinit.
 */
export function bashCompletionScript(program: Command): string {
  const name = program.name();
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const words: string[] = [];
  const choices = new Map<string, readonly string[]>();
  const visit = (command: Command, path: string): void => {
    const options = visibleOptions(command);
    for (const option of options) {
      const values = option.argChoices;
      if (values === undefined) continue;
      for (const flag of [option.short, option.long]) {
        if (flag && !choices.has(flag)) choices.set(flag, values);
      }
    }
    const candidates = [
      ...command.commands.map((sub) => sub.name()),
      ...options.flatMap((option) => option.long ?? option.short ?? []),
      '--help',
    ];
    words.push(`    ${quote(path)}) echo ${quote(candidates.join(' '))} ;;`);
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
  };
  visit(program, '');
  const choiceCases = [...choices].map(
    ([flag, values]) => `    ${quote(flag)}) echo ${quote(values.join(' '))} ;;`,
  );
  return `# ${name} completion for bash: source <(${name} completion bash)
${fn}_words() {
  case "$1" in
${words.join('\n')}
  esac
}
${fn}_choices() {
  case "$1" in
${choiceCases.join('\n')}
  esac
}
${fn}() {
  [[ -n "\${ZSH_VERSION:-}" ]] && setopt localoptions ksharrays
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    [[ -n "$(${fn}_words "$path $word")" ]] && path="$path $word"
  done
  local values
  values="$(${fn}_choices "$prev")"
  [[ -n "$values" ]] || values="$(${fn}_words "$path")"
  COMPREPLY=($(compgen -W "$values" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

export function zshCompletionScript(program: Command): string {
  return `#compdef ${program.name()}
# ${program.name()} completion for zsh: source <(${program.name()} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletionScript(program).split('\n').slice(1).join('\n')}`;
}

function visibleOptions(command: Command): Option[] {
  return command.options.filter((option) => !option.hidden);
}

/** A word in single quotes for bash. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
