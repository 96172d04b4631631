import { execFile } from 'node:child_process';

/** A command that failed: its exit status and what it wrote to stderr, in the message. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr.trim() || 'failed'}`);
    this.name = 'CommandError';
  }
}

/** Runs a program (no shell) with a bounded time; resolves with its stdout. */
export function run(file: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          // vtysh tells what it refused on stdout.
          const said = [stderr, stdout]
            .map((text) => text.trim())
            .filter(Boolean)
            .join('; ');
          reject(new CommandError([file, ...args].join(' '), said || error.message));
        } else resolve(stdout);
      },
    );
  });
}

/** `ip` inside a network namespace (`ip -n`), or in the caller's when `namespace` is undefined. */
export function ip(namespace: string | undefined, ...args: string[]): Promise<string> {
  return run('ip', namespace === undefined ? args : ['-n', namespace, ...args]);
}

/** `ip -j ...` parsed; an empty answer is an empty list. */
export async function ipJson<T>(namespace: string, ...args: string[]): Promise<T[]> {
  const text = await ip(namespace, '-j', ...args);
  return text.trim() === '' ? [] : (JSON.parse(text) as T[]);
}

/** Runs `command` inside `namespace` (ip netns exec). */
export function inNamespace(
  namespace: string,
  command: string,
  ...args: string[]
): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, command, ...args]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const cause = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(200);
  }
}
