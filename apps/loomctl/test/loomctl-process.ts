import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
const wrapper = resolve(repoRoot, 'apps/loomctl/bin/loomctl');

export interface LoomctlResult {
  /** The exit status; null when killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningLoomctl {
  readonly child: ChildProcess;
  stdout(): string;
  readonly exited: Promise<LoomctlResult>;
}

/**
 * `loomctl ...args` as a person runs it: the bin wrapper (which builds it when stale), as a
 * process with only the environment given (and PATH), killed if it runs longer than `timeoutMs`.
 */
export function startLoomctl(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { readonly stdin?: string; readonly timeoutMs?: number } = {},
): RunningLoomctl {
  const child = spawn(process.execPath, [wrapper, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.stdin ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const exited = new Promise<LoomctlResult>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, exited };
}

export function runLoomctl(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { readonly stdin?: string; readonly timeoutMs?: number } = {},
): Promise<LoomctlResult> {
  return startLoomctl(args, env, options).exited;
}

/** Builds loomctl when dist lacks it or is stale (`npx nest build engine` empties dist/). */
export async function ensureLoomctlBuilt(): Promise<void> {
  const { code, stderr } = await runLoomctl(['--help'], {}, { timeoutMs: 240_000 });
  if (code !== 0) throw new Error(`loomctl --help exited ${String(code)}:\n${stderr}`);
}
