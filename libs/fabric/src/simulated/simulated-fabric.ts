import {
  DeviceUnreachableError,
  InvalidFaultError,
  UnknownDeviceError,
  UnknownOperationError,
} from '../errors';
import type { FabricDriver } from '../operations/fabric-driver';
import type { FabricOperation, OperationId } from '../operations/fabric-operation';
import type { OperationOutcome } from '../operations/operation-outcome';
import {
  emptyDeviceState,
  normalizeDeviceState,
  type DeviceState,
  type FabricState,
} from '../state/fabric-state';
import { defaultTopology } from '../topology/default-topology';
import { findDevice, type FabricTopology } from '../topology/topology';
import { validateFaultSpec, type FaultSpec } from './faults';
import {
  createWorld,
  findRecord,
  nextDueAt,
  settle,
  submit,
  type FabricCounters,
  type LatencySettings,
  type OperationRecord,
  type SimulatedWorld,
} from './simulated-world';
import { InMemoryWorldStore, type WorldStore } from './world-store';

export interface SimulatedFabricOptions {
  /** Default: the lib's default topology. */
  readonly topology?: FabricTopology;
  /** Milliseconds before an operation runs: a number for every kind, or per kind (default 0). */
  readonly latency?: number | LatencySettings;
  /**
   * How often `await` looks again for an outcome another process may have produced
   * (default 5 ms). Within one process an outcome is seen as soon as it is due.
   */
  readonly pollIntervalMs?: number;
}

/** What a submitted operation was and what became of it, for tests and the dashboard. */
export type OperationLogEntry = Pick<
  OperationRecord,
  'id' | 'idempotencyKey' | 'device' | 'operation' | 'submittedAt' | 'fault' | 'outcome'
>;

export function latencySettings(latency: number | LatencySettings | undefined): LatencySettings {
  return typeof latency === 'number' ? { defaultMs: latency } : (latency ?? { defaultMs: 0 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function requireRecord(world: SimulatedWorld, id: OperationId): OperationRecord {
  const record = findRecord(world, id);
  if (!record) throw new UnknownOperationError(id);
  return record;
}

function requireDevice(world: SimulatedWorld, device: string): void {
  if (!findDevice(world.topology, device)) throw new UnknownDeviceError(device);
}

/**
 * A stateful model of every device in the topology, with the limits of real switches and faults
 * on demand. In memory by default; openFileBackedFabric gives one whose state lives in a file
 * shared by processes. Device state and the idempotency-key table change in one transaction,
 * so an operation is applied at most once whatever the callers retry.
 */
export class SimulatedFabric implements FabricDriver {
  readonly topology: FabricTopology;
  private readonly store: WorldStore;
  private readonly pollIntervalMs: number;

  /** In memory; `store` is for openFileBackedFabric, not for callers. */
  constructor(options: SimulatedFabricOptions = {}, store?: WorldStore) {
    this.topology = options.topology ?? defaultTopology;
    this.store =
      store ?? new InMemoryWorldStore(createWorld(this.topology, latencySettings(options.latency)));
    this.pollIntervalMs = options.pollIntervalMs ?? 5;
  }

  /**
   * Every call runs inside one: due jobs run first, so what it sees is current. Results are
   * copies, so a caller can never change the world by changing what it was given.
   */
  private transact<T>(work: (world: SimulatedWorld) => T): Promise<T> {
    return this.store.transact((world) => {
      settle(world, Date.now());
      return structuredClone(work(world));
    });
  }

  submit(device: string, operation: FabricOperation, idempotencyKey: string): Promise<OperationId> {
    return this.store.transact((world) => {
      const now = Date.now();
      settle(world, now);
      const id = submit(world, device, operation, idempotencyKey, now);
      // With no latency the job runs now, in the same write as its submission.
      settle(world, now);
      return id;
    });
  }

  poll(operationId: OperationId): Promise<OperationOutcome> {
    return this.transact((world) => requireRecord(world, operationId).outcome);
  }

  async await(operationId: OperationId, timeoutMs: number): Promise<OperationOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { outcome, dueAt } = await this.transact((world) => ({
        outcome: requireRecord(world, operationId).outcome,
        dueAt: nextDueAt(world),
      }));
      const now = Date.now();
      if (outcome.status !== 'running' || now >= deadline) return outcome;
      const untilDue = dueAt === undefined ? Number.POSITIVE_INFINITY : Math.max(1, dueAt - now);
      await sleep(Math.min(deadline - now, this.pollIntervalMs, untilDue));
    }
  }

  readState(device: string): Promise<DeviceState> {
    return this.transact((world) => {
      requireDevice(world, device);
      if (world.unreachable.includes(device)) throw new DeviceUnreachableError(device);
      return normalizeDeviceState(world.devices[device] ?? emptyDeviceState);
    });
  }

  /** Every device's state, reachable or not: the test's view, not a driver's. */
  snapshot(): Promise<FabricState> {
    return this.transact((world) =>
      Object.fromEntries(
        world.topology.devices.map(({ name }) => [
          name,
          normalizeDeviceState(world.devices[name] ?? emptyDeviceState),
        ]),
      ),
    );
  }

  /** Effects per device and operation kind, to prove that none was applied twice. */
  counters(): Promise<FabricCounters> {
    return this.transact((world) => world.counters);
  }

  operationLog(): Promise<OperationLogEntry[]> {
    return this.transact((world) =>
      world.operations.map(
        ({ id, idempotencyKey, device, operation, submittedAt, fault, outcome }) => ({
          id,
          idempotencyKey,
          device,
          operation,
          submittedAt,
          fault,
          outcome,
        }),
      ),
    );
  }

  /** Adds a fault for operations submitted from now on; returns its id for clearFault. */
  injectFault(spec: FaultSpec): Promise<string> {
    const problems = validateFaultSpec(spec);
    if (problems.length > 0) return Promise.reject(new InvalidFaultError(problems.join('; ')));
    return this.transact((world) => {
      const id = `fault-${world.nextFaultId}`;
      world.nextFaultId += 1;
      world.faults.push({
        id,
        spec: JSON.parse(JSON.stringify(spec)) as FaultSpec,
        matched: 0,
        triggered: 0,
      });
      return id;
    });
  }

  clearFault(faultId: string): Promise<void> {
    return this.transact((world) => {
      world.faults = world.faults.filter((fault) => fault.id !== faultId);
    });
  }

  clearFaults(): Promise<void> {
    return this.transact((world) => {
      world.faults = [];
    });
  }

  /** Every operation that runs on `device` fails (reason `unreachable`) until restore. */
  setUnreachable(device: string): Promise<void> {
    return this.transact((world) => {
      requireDevice(world, device);
      if (!world.unreachable.includes(device)) world.unreachable.push(device);
    });
  }

  restore(device: string): Promise<void> {
    return this.transact((world) => {
      requireDevice(world, device);
      world.unreachable = world.unreachable.filter((name) => name !== device);
    });
  }

  /** For operations submitted from now on. */
  setLatency(latency: number | LatencySettings): Promise<void> {
    return this.transact((world) => {
      world.latency = latencySettings(latency);
    });
  }

  /**
   * Changes a device's configuration behind Loom's back, for drift tests: not an operation, so
   * no counter moves and no limit or rule applies. The result is stored in canonical form.
   */
  tamper(device: string, mutation: (state: DeviceState) => DeviceState): Promise<DeviceState> {
    return this.transact((world) => {
      requireDevice(world, device);
      const current = normalizeDeviceState(world.devices[device] ?? emptyDeviceState);
      const next = normalizeDeviceState(mutation(current));
      world.devices[device] = next;
      return normalizeDeviceState(next);
    });
  }
}
