import {
  DeviceUnreachableError,
  IdempotencyKeyConflictError,
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
  sequenceOf,
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
   * How often `await` looks again at an operation that has no due time (one that will not run,
   * such as a time-out fault), default 5 ms. One with a due time is looked at when it is due.
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

function requireRecord(
  world: SimulatedWorld,
  localId: OperationId,
  id: OperationId,
): OperationRecord {
  const record = findRecord(world, localId);
  if (!record) throw new UnknownOperationError(id);
  return record;
}

/**
 * A stateful model of every device in the topology, with the limits of real switches and faults
 * on demand. In memory by default; openFileBackedFabric gives one whose state lives in files
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
  private read<T>(partition: string, work: (world: SimulatedWorld) => T): Promise<T> {
    return this.store.read(partition, (world) => structuredClone(work(world)));
  }

  private locate(operationId: OperationId): { partition: string; localId: OperationId } {
    const location = this.store.locate(operationId);
    if (!location) throw new UnknownOperationError(operationId);
    return location;
  }

  async submit(
    device: string,
    operation: FabricOperation,
    idempotencyKey: string,
  ): Promise<OperationId> {
    const partition = this.store.partitionOf(device);
    // A key names one effect on one device: its use on another device is a conflict.
    const elsewhere = await this.store.findKeyElsewhere(partition, idempotencyKey);
    if (elsewhere !== undefined) throw new IdempotencyKeyConflictError(idempotencyKey, elsewhere);
    const localId = await this.store.transact(
      partition,
      (world) => {
        const now = Date.now();
        let id: OperationId;
        try {
          id = submit(world, device, operation, idempotencyKey, now, (key) =>
            this.store.findKey(partition, world, key),
          );
        } catch (error) {
          if (!(error instanceof IdempotencyKeyConflictError)) throw error;
          const earlier = this.store.externalId(partition, error.operationId);
          throw new IdempotencyKeyConflictError(idempotencyKey, earlier);
        }
        // With no latency the job runs now, in the same write as its submission.
        settle(world, now);
        return id;
      },
      { countsFaults: true },
    );
    return this.store.externalId(partition, localId);
  }

  poll(operationId: OperationId): Promise<OperationOutcome> {
    return Promise.resolve()
      .then(() => this.locate(operationId))
      .then(({ partition, localId }) =>
        this.read(partition, (world) => requireRecord(world, localId, operationId).outcome),
      );
  }

  async await(operationId: OperationId, timeoutMs: number): Promise<OperationOutcome> {
    const { partition, localId } = this.locate(operationId);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { outcome, dueAt } = await this.read(partition, (world) => {
        const record = requireRecord(world, localId, operationId);
        return { outcome: record.outcome, dueAt: record.dueAt };
      });
      const now = Date.now();
      if (outcome.status !== 'running' || now >= deadline) return outcome;
      // An operation's outcome exists from its due time on, whichever process runs it then, and
      // not before: wait for that time. One that will not run (a time-out fault) is looked at
      // again every poll interval.
      const wait = dueAt === null ? this.pollIntervalMs : Math.max(1, dueAt - now);
      await sleep(Math.min(deadline - now, wait));
    }
  }

  readState(device: string): Promise<DeviceState> {
    if (!findDevice(this.topology, device)) return Promise.reject(new UnknownDeviceError(device));
    return this.read(this.store.partitionOf(device), (world) => {
      if (world.unreachable.includes(device)) throw new DeviceUnreachableError(device);
      return normalizeDeviceState(world.devices[device] ?? emptyDeviceState);
    });
  }

  /** Every device's state, reachable or not: the test's view, not a driver's. */
  async snapshot(): Promise<FabricState> {
    const states = await Promise.all(
      this.topology.devices.map(({ name }) =>
        this.read(this.store.partitionOf(name), (world) =>
          normalizeDeviceState(world.devices[name] ?? emptyDeviceState),
        ),
      ),
    );
    return Object.fromEntries(
      this.topology.devices.map(({ name }, index) => [name, states[index] ?? emptyDeviceState]),
    );
  }

  /** Effects per device and operation kind, to prove that none was applied twice. */
  async counters(): Promise<FabricCounters> {
    const parts = await Promise.all(
      this.store.partitions().map((partition) => this.read(partition, (world) => world.counters)),
    );
    return Object.assign({}, ...parts) as FabricCounters;
  }

  /** Every kept operation, in submission order (by time across the devices of a file store). */
  async operationLog(): Promise<OperationLogEntry[]> {
    const parts = await Promise.all(
      this.store
        .partitions()
        .map((partition) =>
          this.read(partition, (world) =>
            world.operations.map((record) => ({ record, sequence: sequenceOf(record) })),
          ).then((entries) => entries.map((entry) => ({ ...entry, partition }))),
        ),
    );
    return parts
      .flat()
      .sort(
        (a, b) =>
          a.record.submittedAt - b.record.submittedAt ||
          (a.partition < b.partition ? -1 : a.partition > b.partition ? 1 : 0) ||
          a.sequence - b.sequence,
      )
      .map(({ partition, record }) => ({
        id: this.store.externalId(partition, record.id),
        idempotencyKey: record.idempotencyKey,
        device: record.device,
        operation: record.operation,
        submittedAt: record.submittedAt,
        fault: record.fault,
        outcome: record.outcome,
      }));
  }

  /** Adds a fault for operations submitted from now on; returns its id for clearFault. */
  injectFault(spec: FaultSpec): Promise<string> {
    const problems = validateFaultSpec(spec);
    if (problems.length > 0) return Promise.reject(new InvalidFaultError(problems.join('; ')));
    return this.store.transactSettings((world) => {
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
    return this.store.transactSettings((world) => {
      world.faults = world.faults.filter((fault) => fault.id !== faultId);
    });
  }

  clearFaults(): Promise<void> {
    return this.store.transactSettings((world) => {
      world.faults = [];
    });
  }

  /** Every operation that runs on `device` fails (reason `unreachable`) until restore. */
  async setUnreachable(device: string): Promise<void> {
    await this.settleDevice(device);
    await this.store.transactSettings((world) => {
      if (!world.unreachable.includes(device)) world.unreachable.push(device);
    });
  }

  async restore(device: string): Promise<void> {
    await this.settleDevice(device);
    await this.store.transactSettings((world) => {
      world.unreachable = world.unreachable.filter((name) => name !== device);
    });
  }

  /** Runs the device's due jobs as things stand, before a setting changes what they meet. */
  private async settleDevice(device: string): Promise<void> {
    if (!findDevice(this.topology, device)) throw new UnknownDeviceError(device);
    await this.read(this.store.partitionOf(device), () => undefined);
  }

  /** For operations submitted from now on. */
  setLatency(latency: number | LatencySettings): Promise<void> {
    return this.store.transactSettings((world) => {
      world.latency = latencySettings(latency);
    });
  }

  /**
   * Changes a device's configuration behind Loom's back, for drift tests: not an operation, so
   * no counter moves and no limit or rule applies. The result is stored in canonical form.
   */
  tamper(device: string, mutation: (state: DeviceState) => DeviceState): Promise<DeviceState> {
    if (!findDevice(this.topology, device)) return Promise.reject(new UnknownDeviceError(device));
    return this.store.transact(
      this.store.partitionOf(device),
      (world) => {
        const current = normalizeDeviceState(world.devices[device] ?? emptyDeviceState);
        const next = normalizeDeviceState(mutation(current));
        world.devices[device] = next;
        return structuredClone(next);
      },
      { setsState: true },
    );
  }
}
