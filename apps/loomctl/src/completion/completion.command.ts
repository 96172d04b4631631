import { Argument, type Command } from 'commander';
import { bashCompletionScript, zshCompletionScript } from './completion-script';

/** `loomctl completion bash|zsh`: the shell completion script, generated from the command tree. */
export function addCompletionCommand(program: Command, print: (text: string) => void): void {
  program
    .command('completion')
    .description(
      'print the shell completion script: `source <(loomctl completion bash)` (or zsh), e.g. in ~/.bashrc',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      print(shell === 'bash' ? bashCompletionScript(program) : zshCompletionScript(program));
    });
}
