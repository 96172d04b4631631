import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root (where nest-cli.json is): found by walking up, since this file runs from
 * dist/bench/bench/support.
 */
export const repoRoot: string = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nest-cli.json above ${from}`);
  }
}
