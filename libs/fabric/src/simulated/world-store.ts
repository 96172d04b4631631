import type { OperationId } from '../operations/fabric-operation';
import {
  draftWorld,
  nextDueAt,
  settle,
  type OperationRecord,
  type SimulatedWorld,
} from './simulated-world';

export interface TransactOptions {
  /** The work may count a submission against the faults (a submit): their records change. */
  readonly countsFaults?: boolean;
  /** The work sets the device state by hand (tamper), not through operations. */
  readonly setsState?: boolean;
}

/**
 * Where the simulated fabric keeps its world, in partitions: each holds the devices, operations
 * and counters of some devices (the in-memory store one partition for all, the file-backed one a
 * partition per device), beside the fabric-wide settings (faults, unreachable devices, latency)
 * that every partition's world carries. The world a work function gets has its due jobs run.
 */
export interface WorldStore {
  /** The partition that holds `device`'s operations. */
  partitionOf(device: string): string;
  /** Every partition holding devices of the topology, for the fabric-wide views. */
  partitions(): readonly string[];
  /** The id callers see for the operation `localId` of `partition`. */
  externalId(partition: string, localId: OperationId): OperationId;
  /** Where an id callers hold lives; undefined when it cannot be this store's. */
  locate(
    id: OperationId,
  ): { readonly partition: string; readonly localId: OperationId } | undefined;
  /**
   * Runs `work` on the partition's latest world with exclusive access (its due jobs run first)
   * and keeps its changes only if it returns: a throw leaves the world as it was.
   */
  transact<T>(
    partition: string,
    work: (world: SimulatedWorld) => T,
    options?: TransactOptions,
  ): Promise<T>;
  /** As transact, for work that only reads: the store may skip the exclusive access. */
  read<T>(partition: string, work: (world: SimulatedWorld) => T): Promise<T>;
  /** Changes the fabric-wide settings: faults, unreachable devices, latency. */
  transactSettings<T>(work: (world: SimulatedWorld) => T): Promise<T>;
  /**
   * The operation submitted under `key` in another partition than `partition`, if any: a key
   * names one effect, on one device.
   */
  findKeyElsewhere(partition: string, key: string): Promise<OperationId | undefined>;
  /**
   * The latest operation submitted under `key` in `world`, a world of `partition` that a
   * transaction got: what `operations.findLast` finds, through an index where the store keeps one.
   */
  findKey(partition: string, world: SimulatedWorld, key: string): OperationRecord | undefined;
}

const onlyPartition = 'fabric';

/** For one process: the world in memory; each transaction works on a draft, kept on success. */
export class InMemoryWorldStore implements WorldStore {
  constructor(private world: SimulatedWorld) {}

  partitionOf(): string {
    return onlyPartition;
  }

  partitions(): readonly string[] {
    return [onlyPartition];
  }

  externalId(_partition: string, localId: OperationId): OperationId {
    return localId;
  }

  locate(id: OperationId): { partition: string; localId: OperationId } {
    return { partition: onlyPartition, localId: id };
  }

  transact<T>(_partition: string, work: (world: SimulatedWorld) => T): Promise<T> {
    // Inside a promise so that a throw from `work` becomes a rejection, as with the file store.
    return new Promise((resolve) => {
      const draft = draftWorld(this.world);
      settle(draft, Date.now());
      const result = work(draft);
      this.world = draft;
      resolve(result);
    });
  }

  read<T>(partition: string, work: (world: SimulatedWorld) => T): Promise<T> {
    const due = nextDueAt(this.world);
    if (due !== undefined && due <= Date.now()) return this.transact(partition, work);
    return new Promise((resolve) => {
      resolve(work(this.world));
    });
  }

  transactSettings<T>(work: (world: SimulatedWorld) => T): Promise<T> {
    return this.transact(onlyPartition, work);
  }

  findKeyElsewhere(): Promise<OperationId | undefined> {
    return Promise.resolve(undefined);
  }

  findKey(_partition: string, world: SimulatedWorld, key: string): OperationRecord | undefined {
    return world.operations.findLast((record) => record.idempotencyKey === key);
  }
}
