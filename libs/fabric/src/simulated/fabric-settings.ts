import { FabricStoreError } from '../errors';
import type { FaultRecord } from './faults';
import type { LatencySettings, SimulatedWorld } from './simulated-world';

/**
 * What the whole fabric shares, beside the devices: `settings.json` of a file-backed fabric,
 * rewritten whole (it is small) when a test injects a fault, makes a device unreachable or changes
 * the latency, and when a submission counts against a fault.
 */
export interface FabricSettings {
  readonly faults: FaultRecord[];
  readonly nextFaultId: number;
  readonly unreachable: string[];
  readonly latency: LatencySettings;
}

export const emptySettings: FabricSettings = {
  faults: [],
  nextFaultId: 1,
  unreachable: [],
  latency: { defaultMs: 0 },
};

export function settingsOf(world: SimulatedWorld): FabricSettings {
  return {
    faults: world.faults,
    nextFaultId: world.nextFaultId,
    unreachable: world.unreachable,
    latency: world.latency,
  };
}

/** Puts the settings into a device's world (in place), for the world's functions to read. */
export function withSettings(world: SimulatedWorld, settings: FabricSettings): SimulatedWorld {
  world.faults = settings.faults;
  world.nextFaultId = settings.nextFaultId;
  world.unreachable = settings.unreachable;
  world.latency = settings.latency;
  return world;
}

export function sameFaults(a: readonly FaultRecord[], b: readonly FaultRecord[]): boolean {
  return (
    a.length === b.length &&
    a.every((fault, index) => {
      const other = b[index];
      return (
        other?.id === fault.id &&
        other.matched === fault.matched &&
        other.triggered === fault.triggered
      );
    })
  );
}

export function parseSettings(text: string, path: string): FabricSettings {
  let value: Partial<FabricSettings> | null;
  try {
    value = JSON.parse(text) as Partial<FabricSettings> | null;
  } catch (error) {
    throw new FabricStoreError(`${path} is not valid JSON: ${String(error)}`);
  }
  if (
    !Array.isArray(value?.faults) ||
    typeof value.nextFaultId !== 'number' ||
    !Array.isArray(value.unreachable) ||
    typeof value.latency?.defaultMs !== 'number'
  ) {
    throw new FabricStoreError(`${path} is not a simulated fabric's settings file`);
  }
  return value as FabricSettings;
}
