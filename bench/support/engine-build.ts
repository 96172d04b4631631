import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './repo';

/**
 * The bench's own build of the engine: `nest build engine` with bench/tsconfig.engine.json, which
 * only moves the output to dist/bench/engine. nest build deletes its output directory first, so
 * building into dist/ would wipe the running bench (dist/bench) and the engine that npm start and
 * the e2e tests use.
 */
const tsconfig = 'bench/tsconfig.engine.json';
const outDir = join(repoRoot, 'dist/bench/engine');
const stampFile = join(outDir, 'bench-build.json');
const nestCli = join(repoRoot, 'node_modules/@nestjs/cli/bin/nest.js');

/** The built engine's entry point, as `node dist/apps/engine/src/main.js` for npm start. */
export const engineMain = join(outDir, 'apps/engine/src/main.js');

/** What the build compiles (tsconfig.build.json leaves out specs and testing helpers) or reads. */
const sourceDirs = ['apps/engine/src', 'libs'];
const configFiles = [
  'tsconfig.json',
  'tsconfig.build.json',
  'apps/engine/tsconfig.app.json',
  'nest-cli.json',
  'package-lock.json',
  tsconfig,
];

export interface EngineBuild {
  readonly main: string;
  /** Why it was built; undefined when the last build was newer than every source. */
  readonly reason: string | undefined;
  readonly seconds: number;
}

/**
 * Builds the engine when its build is missing or older than a source or configuration file.
 * LOOM_BENCH_ENGINE_MAIN names a build of one's own to run instead, as is (not rebuilt): on a
 * machine where other work runs `nest build`, which empties dist/, while the bench runs.
 */
export async function ensureEngineBuilt(log: (message: string) => void): Promise<EngineBuild> {
  const own = process.env['LOOM_BENCH_ENGINE_MAIN'];
  if (own !== undefined && own !== '') {
    log(`engine: ${own} (LOOM_BENCH_ENGINE_MAIN, not rebuilt)`);
    return { main: own, reason: undefined, seconds: 0 };
  }
  const started = performance.now();
  const reason = await staleness();
  if (reason === undefined) return { main: engineMain, reason, seconds: 0 };
  log(`building the engine (${reason}): nest build engine -p ${tsconfig}`);
  const sourcesAsOf = Date.now();
  await run(process.execPath, [nestCli, 'build', 'engine', '-p', tsconfig]);
  if (!existsSync(engineMain)) throw new Error(`nest build engine did not write ${engineMain}`);
  await writeFile(stampFile, `${JSON.stringify({ sourcesAsOf })}\n`);
  return { main: engineMain, reason, seconds: (performance.now() - started) / 1_000 };
}

async function staleness(): Promise<string | undefined> {
  if (!existsSync(engineMain) || !existsSync(stampFile)) return 'no build yet';
  const { sourcesAsOf } = JSON.parse(await readFile(stampFile, 'utf8')) as { sourcesAsOf: number };
  const files = [...configFiles];
  for (const dir of sourceDirs) {
    const entries = await readdir(join(repoRoot, dir), { recursive: true });
    files.push(...entries.filter(isCompiledSource).map((entry) => join(dir, entry)));
  }
  for (const file of files) {
    // A file deleted since the listing is a change too.
    const changed = await stat(join(repoRoot, file)).then(
      ({ mtimeMs }) => mtimeMs >= sourcesAsOf,
      () => true,
    );
    if (changed) return `${file} changed`;
  }
  return undefined;
}

function isCompiledSource(path: string): boolean {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.spec.ts') &&
    !path.split(/[\\/]/).some((part) => part === 'testing' || part === 'node_modules')
  );
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${args.join(' ')} failed (${code ?? signal ?? '?'}):\n${output}`));
    });
  });
}
