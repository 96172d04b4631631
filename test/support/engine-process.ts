import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** `nest build engine`'s output; LOOM_E2E_ENGINE_MAIN points at another build (e.g. one of your own, away from a shared dist/). */
const engineMain =
  process.env['LOOM_E2E_ENGINE_MAIN'] ?? resolve(__dirname, '../../dist/apps/engine/src/main.js');

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the first JSON log line whose message is `message`. */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Sends the signal and resolves with the exit code (or signal name); an engine still running
   * `withinMs` later is killed and the call fails with its last log lines.
   */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<number | string>;
}

export interface StartEngineOptions {
  /**
   * In a process group of its own, as a shell runs a foreground command: a signal to the group
   * (`process.kill(-pid, signal)`) is what Ctrl-C in a terminal sends to everything it started.
   */
  readonly ownProcessGroup?: boolean;
}

/** Starts the built engine (`npm run build`) as a real process, as `npm start` does. */
export function startEngine(
  env: Record<string, string>,
  options: StartEngineOptions = {},
): EngineProcess {
  const child = spawn(process.execPath, [engineMain], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | string>((done) => {
    child.on('exit', (code, signal) => {
      done(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    output: () => output,
    async waitForLog(message, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = output
          .split('\n')
          .filter((candidate) => candidate.startsWith('{'))
          .map((candidate) => JSON.parse(candidate) as Record<string, unknown>)
          .find((entry) => entry['msg'] === message);
        if (line) return line;
        if (child.exitCode !== null)
          throw new Error(`engine exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline)
          throw new Error(`no "${message}" within ${timeoutMs} ms:\n${output}`);
        await new Promise((wake) => setTimeout(wake, 50));
      }
    },
    async stop(signal = 'SIGINT', withinMs = 60_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((done) => {
        timer = setTimeout(() => {
          done('late');
        }, withinMs);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome !== 'late') return outcome;
      child.kill('SIGKILL');
      await exited;
      const lastLines = output.trimEnd().split('\n').slice(-80).join('\n');
      throw new Error(
        `the engine had not exited ${withinMs} ms after ${signal} (killed now); its last lines:\n${lastLines}`,
      );
    },
  };
}
