import { randomUUID } from 'node:crypto';
import {
  DeviceUnreachableError,
  diffFabric,
  emptyDeviceState,
  type DeviceState,
  type FabricDifference,
  type FabricDriver,
} from '@loom/fabric';
import { InvalidArgumentError, type FieldViolation } from '@loom/errors';
import type { JsonValue } from '@loom/event-store';
import { IntentRuntime, type AggregateStore, type RequestContext } from '@loom/intents';
import type { Sagas } from '@loom/sagas';
import { externalNetworkResourceKey } from '../external/external-fabric.saga-types';
import { gatewayNodeNetworks } from '../external/gateway-intent';
import { streams } from '../shared/streams';
import { leafResourceKey } from './fabric-placement';
import { fabricRepairDecider } from './fabric-repair.decider';
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

/** What an operator asks for: a reason is required. */
export interface FabricRepairRequest {
  readonly reason: string;
  /** Only these devices; none: every device with drift. */
  readonly devices?: readonly string[];
}

/** Scope of the repair's events in the audit trail: the fabric is no tenant's. */
export const fabricScope = '_fabric';
const maxReasonLength = 500;

export interface FabricRepair {
  /** Its events' stream id and correlation id (`fabric-repair-{repairId}`). */
  readonly repairId: string;
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
  private readonly runtime: IntentRuntime;

  constructor(private readonly dependencies: FabricDriftDependencies) {
    this.runtime = new IntentRuntime(dependencies.aggregates);
  }

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
   * Starts a `repair-leaf` saga for every device with drift now (or of the devices named). Each
   * recomputes its device's drift when it runs, so a repair asked for twice, or overtaken by port
   * sagas, does no harm. The operator's action is recorded first, in one commit with the sagas to
   * start (FabricRepairRequested and FabricWorkRequested, as every intent records its fabric work):
   * who, why, the drift found and the sagas. A missing reason or an unknown device is
   * INVALID_ARGUMENT naming the field, and nothing is written.
   */
  async repair(request: FabricRepairRequest, context: RequestContext): Promise<FabricRepair> {
    const { reason, requestedDevices } = this.checkRepair(request);
    const { differences, unreachable } = await this.report();
    const named = (device: string) =>
      requestedDevices.length === 0 || requestedDevices.includes(device);
    const found = differences.filter((difference) => named(difference.device));
    const devices = [...new Set(found.map((difference) => difference.device))].sort();
    const repairId = randomUUID();
    // A gateway node's repair queues behind its external network's sagas, a leaf's behind its own.
    const networks = await gatewayNodeNetworks(this.dependencies.aggregates);
    const work = devices.map((leaf) => {
      const input: RepairLeafInput = { leaf, requestedBy: context.actor, reason, repairId };
      const network = networks.get(leaf);
      return {
        sagaType: repairLeafSaga.type,
        sagaId: `repair-${leaf}-${randomUUID()}`,
        resourceKey:
          network === undefined ? leafResourceKey(leaf) : externalNetworkResourceKey(network),
        input,
      };
    });
    const sagaIds = work.map((saga) => saga.sagaId);
    const skipped = unreachable.filter(named);
    const recorded: RequestContext = { ...context, correlationId: repairId };
    await this.runtime.submit(
      {
        tenantId: fabricScope,
        requestId: undefined,
        method: 'RepairFabricDrift',
        fingerprint: '',
        result: repairId,
      },
      recorded,
      async (intent) => {
        await intent.execute(
          streams.fabricRepair(repairId),
          fabricRepairDecider,
          {
            type: 'RequestFabricRepair',
            repairId,
            requestedBy: context.actor,
            reason,
            requestedDevices,
            devices,
            drift: found as unknown as JsonValue,
            sagaIds,
            unreachable: skipped,
          },
          {
            tenant: fabricScope,
            actor: context.actor,
            correlationId: repairId,
            ...(context.method === undefined ? {} : { method: context.method }),
          },
        );
        for (const saga of work) intent.requestFabricWork(saga);
      },
    );
    // The dispatcher starts them from the log; started here too (idempotent on the saga id) so
    // that the ids answered name sagas that exist.
    for (const saga of work) {
      await this.dependencies.sagas.start(
        repairLeafSaga,
        saga.sagaId,
        saga.resourceKey,
        saga.input,
      );
    }
    return { repairId, sagaIds, unreachable: skipped };
  }

  private checkRepair(request: FabricRepairRequest): {
    reason: string;
    requestedDevices: string[];
  } {
    const violations: FieldViolation[] = [];
    const reason = request.reason.trim();
    if (reason === '') violations.push({ field: 'reason', description: 'is required' });
    else if (reason.length > maxReasonLength) {
      violations.push({ field: 'reason', description: `is at most ${maxReasonLength} characters` });
    }
    const requestedDevices = [...new Set(request.devices ?? [])].sort();
    for (const device of requestedDevices) {
      if (!this.dependencies.devices.includes(device)) {
        violations.push({
          field: 'devices',
          description: `${device} is not a device carrying tenant configuration`,
        });
      }
    }
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    return { reason, requestedDevices };
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
