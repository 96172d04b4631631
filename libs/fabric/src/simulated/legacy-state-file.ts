import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { FabricStoreError } from '../errors';
import { readFileIfExistsAsync } from './atomic-file';
import { settle, type SimulatedWorld } from './simulated-world';

/** The single-file format before a directory per device: every device in one JSON file. */
export const legacyStateFileName = 'simulated-fabric.json';
/** Where a migrated legacy file is kept, for reference; nothing reads it. */
export const migratedLegacyStateFileName = 'simulated-fabric.v1.json';

function parseLegacyWorld(text: string, path: string): SimulatedWorld {
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
 * A directory written by the single-file format (`simulated-fabric.json`) is migrated when it is
 * opened: its jobs still queued run at once (a device that was quicker than its latency), then
 * the devices' configurations, counters, faults, unreachable devices and latency carry over. The
 * operation history (the idempotency keys) does not: its ids name no device. A saga step waiting
 * on one gets UnknownOperationError and retries under its key, which finds its effect in place.
 * `done` keeps the old file as simulated-fabric.v1.json and says so on stderr.
 */
export async function migrateLegacyState(
  directory: string,
): Promise<{ readonly world: SimulatedWorld; readonly done: () => Promise<void> } | undefined> {
  const path = join(directory, legacyStateFileName);
  const text = await readFileIfExistsAsync(path);
  if (text === undefined) return undefined;
  const world = parseLegacyWorld(text, path);
  settle(world, Number.MAX_SAFE_INTEGER);
  return {
    world,
    done: async () => {
      const kept = join(directory, migratedLegacyStateFileName);
      await rename(path, kept);
      process.emitWarning(
        `${path} (the single-file simulated fabric) was migrated to a directory per device; ` +
          `device configurations, counters and faults carried over, the operation history did ` +
          `not. The old file is kept as ${kept}.`,
        { code: 'LOOM_FABRIC_MIGRATED' },
      );
    },
  };
}
