import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerArguments, WorkerLine } from './fabric-worker-plan';

export interface FabricWorker {
  readonly child: ChildProcess;
  /** Operations the worker finished, as it reported them. */
  readonly lines: WorkerLine[];
  /** Resolves when the worker waits for its go file. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  stderr(): string;
}

/** Starts fabric-worker.ts in a process of its own, as a second engine worker would be. */
export function spawnFabricWorker(args: WorkerArguments): FabricWorker {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(__dirname, 'ts-register.js'),
      join(__dirname, 'fabric-worker.ts'),
      JSON.stringify(args),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: WorkerLine[] = [];
  let pending = '';
  let errors = '';
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) lines.push(JSON.parse(line) as WorkerLine);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { child, lines, ready, exited, stderr: () => errors };
}
