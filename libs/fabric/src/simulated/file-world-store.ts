import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FabricStoreError } from '../errors';
import { readFileIfExists, writeFileAtomically } from './atomic-file';
import { FileLock, type LockFileOptions } from './lock-file';
import type { SimulatedWorld } from './simulated-world';
import type { WorldStore } from './world-store';

export const stateFileName = 'simulated-fabric.json';
export const lockFileName = 'simulated-fabric.lock';

function parseWorld(text: string, path: string): SimulatedWorld {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FabricStoreError(`${path} is not valid JSON: ${String(error)}`);
  }
  const world = value as Partial<SimulatedWorld> | null;
  if (world?.format !== 'loom-simulated-fabric' || world.version !== 1) {
    throw new FabricStoreError(`${path} is not a version 1 simulated fabric state file`);
  }
  return world as SimulatedWorld;
}

/**
 * The world in a JSON file, shared by every process that opens the same directory. Each
 * transaction takes the lock file, reads the file afresh (another process may have changed it),
 * runs, and writes the file back atomically if anything changed, before letting go of the lock.
 * Within a process, transactions queue up rather than compete for the lock file.
 */
export class FileWorldStore implements WorldStore {
  readonly statePath: string;
  private readonly lock: FileLock;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly directory: string,
    lockOptions: LockFileOptions,
  ) {
    this.statePath = join(directory, stateFileName);
    this.lock = new FileLock(join(directory, lockFileName), lockOptions);
  }

  private exclusive<T>(work: () => T): Promise<T> {
    const run = this.queue.then(() => this.lock.run(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Creates the state file if there is none yet; returns the world as it is on disk. */
  initialize(create: () => SimulatedWorld): Promise<SimulatedWorld> {
    mkdirSync(this.directory, { recursive: true });
    return this.exclusive(() => {
      const text = readFileIfExists(this.statePath);
      if (text !== undefined) return parseWorld(text, this.statePath);
      const world = create();
      writeFileAtomically(this.statePath, JSON.stringify(world));
      return world;
    });
  }

  transact<T>(work: (world: SimulatedWorld) => T): Promise<T> {
    return this.exclusive(() => {
      const text = readFileIfExists(this.statePath);
      if (text === undefined) {
        throw new FabricStoreError(`${this.statePath} is gone: was the fabric directory removed?`);
      }
      const world = parseWorld(text, this.statePath);
      const result = work(world);
      const next = JSON.stringify(world);
      if (next !== text) writeFileAtomically(this.statePath, next);
      return result;
    });
  }
}
