const START = '<!-- quickstart:start -->';
const END = '<!-- quickstart:end -->';

/**
 * The shell command lines of the README's Quickstart: every line of the ```sh blocks between the
 * quickstart markers, comments included (the shell ignores them), blank lines left out.
 */
export function quickstartCommands(readme: string): string[] {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} ... ${END} section`);
  const section = readme.slice(start + START.length, end);
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => block.split('\n')).filter((line) => line.trim() !== '');
}
