import { randomUUID } from 'node:crypto';
import {
  DeviceUnreachableError,
  diffFabric,
  emptyDeviceState,
  type DeviceState,
  type FabricDifference,
  type FabricDriver,
} from '@loom/fabric';
import type { AggregateStore } from '@loom/intents';
import type { Sagas } from '@loom/sagas';
import { externalNetworkResourceKey } from '../external/external-fabric.saga-types';
import { gatewayNodeNetworks } from '../external/gateway-intent';
import { leafResourceKey } from './fabric-placement';
import { repairLeafSaga, type RepairLeafInput } from './fabric-repair.saga';
import { intendedFabricState } from './intended-fabric';

export interface FabricDriftDependencies {
  readonly driver: FabricDriver;
  readonly aggregates: AggregateStore;
  /** The devices that carry tenant configuration (leaves, border leaves), from the topology. */
  readonly devices: readonly string[];
  /** Where repairs start: the engine's sagas, run by its workers like port sagas. */
  readonly sagas: Pick<Sagas, 'start'>;
}

export interface FabricDriftReport {
  /** Per device in name order, item by item (see diffFabric). */
  readonly differences: readonly FabricDifference[];
  /** Devices whose state could not be read: their drift is unknown, not absent. */
  readonly unreachable: readonly string[];
}

export interface FabricRepair {
  /** One `repair-leaf` saga per device that had drift. */
  readonly sagaIds: readonly string[];
  /** Devices that could not be read, so nothing was started for them. */
  readonly unreachable: readonly string[];
}

/**
 * Compares what the intent implies (intendedFabricState) with what the devices hold, and starts
 * the sagas that converge them. The comparison is a snapshot: while port sagas run, the work they
 * have not done yet shows as drift, which is what the devices hold at that moment.
 */
export class FabricDriftService {
  constructor(private readonly dependencies: FabricDriftDependencies) {}

  async report(): Promise<FabricDriftReport> {
    const { driver, aggregates, devices } = this.dependencies;
    // Devices first: configuration always follows the intent (a port is bound in the intent
    // before its saga configures the leaf), so a port created in between shows as missing (still
    // pending) rather than as unexpected.
    const reads = await Promise.all(devices.map((device) => readDevice(driver, device)));
    const intended = await intendedFabricState(aggregates, devices);
    const actual: Record<string, DeviceState> = {};
    const compared: Record<string, DeviceState> = {};
    const unreachable: string[] = [];
    devices.forEach((device, index) => {
      const state = reads[index];
      if (state === undefined) unreachable.push(device);
      else {
        actual[device] = state;
        compared[device] = intended[device] ?? emptyDeviceState;
      }
    });
    return { differences: diffFabric(compared, actual), unreachable: unreachable.sort() };
  }

  /** The differences; rejects with DeviceUnreachableError rather than hide a device it could not read. */
  async drift(): Promise<FabricDifference[]> {
    const { differences, unreachable } = await this.report();
    if (unreachable[0] !== undefined) throw new DeviceUnreachableError(unreachable[0]);
    return [...differences];
  }

  /**
   * Starts a `repair-leaf` saga for every device with drift now. Each recomputes its device's
   * drift when it runs, so a repair asked for twice, or overtaken by port sagas, does no harm.
   */
  async repair(actor: string): Promise<FabricRepair> {
    const { differences, unreachable } = await this.report();
    const devices = [...new Set(differences.map((difference) => difference.device))].sort();
    const sagaIds: string[] = [];
    // A gateway node's repair queues behind its external network's sagas, a leaf's behind its own.
    const networks = await gatewayNodeNetworks(this.dependencies.aggregates);
    for (const leaf of devices) {
      const sagaId = `repair-${leaf}-${randomUUID()}`;
      const input: RepairLeafInput = { leaf, requestedBy: actor };
      const network = networks.get(leaf);
      const resourceKey =
        network === undefined ? leafResourceKey(leaf) : externalNetworkResourceKey(network);
      await this.dependencies.sagas.start(repairLeafSaga, sagaId, resourceKey, input);
      sagaIds.push(sagaId);
    }
    return { sagaIds, unreachable };
  }
}

async function readDevice(driver: FabricDriver, device: string): Promise<DeviceState | undefined> {
  try {
    return await driver.readState(device);
  } catch (error) {
    if (error instanceof DeviceUnreachableError) return undefined;
    throw error;
  }
}
