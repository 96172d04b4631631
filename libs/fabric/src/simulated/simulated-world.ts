import { IdempotencyKeyConflictError } from '../errors';
import type { FabricOperation, OperationId, OperationKind } from '../operations/fabric-operation';
import type { OperationOutcome } from '../operations/operation-outcome';
import { applyOperation } from '../state/device-model';
import { emptyDeviceState, type DeviceState } from '../state/fabric-state';
import { findDevice, type FabricTopology } from '../topology/topology';
import { canonicalJson } from './canonical-json';
import { faultFor, type FaultEffect, type FaultRecord } from './faults';

/** Per device and kind: how often operations changed the device, found it done, or failed. */
export interface OperationCount {
  /** Executions that changed the device's configuration: the effects. */
  readonly applied: number;
  /** Executions that found the configuration already in place. */
  readonly unchanged: number;
  /** Executions refused by the device, by an injected fault or for being unreachable. */
  readonly failed: number;
}

export type FabricCounters = Readonly<
  Record<string, Readonly<Partial<Record<OperationKind, OperationCount>>>>
>;

/** Milliseconds between submission and execution, by default and per operation kind. */
export interface LatencySettings {
  readonly defaultMs: number;
  readonly byKind?: Readonly<Partial<Record<OperationKind, number>>>;
}

/** One submitted operation: the device's job record and the idempotency-key table in one. */
export interface OperationRecord {
  readonly id: OperationId;
  readonly idempotencyKey: string;
  readonly device: string;
  readonly operation: FabricOperation;
  readonly submittedAt: number;
  /** When it runs; null when it never will (a time-out fault) or already ran without replying. */
  dueAt: number | null;
  readonly fault: FaultEffect | null;
  readonly faultMessage: string | null;
  outcome: OperationOutcome;
  /**
   * Set when its execution changed the device's configuration: a file-backed fabric replays
   * such operations to rebuild a device's state rather than writing the whole state each time.
   */
  changedDevice?: true;
}

/**
 * Everything the simulated fabric knows, as one JSON-able value: what a file-backed fabric
 * writes after every change, so that another process (or a restarted one) carries on from it.
 */
export interface SimulatedWorld {
  readonly format: 'loom-simulated-fabric';
  readonly version: 1;
  readonly topology: FabricTopology;
  devices: Record<string, DeviceState>;
  /**
   * The latest operations, in submission order; an operation's id is `op-<its position + 1 +
   * prunedOperations>`. Finished ones beyond `operationHistoryLimit` are dropped from the front.
   */
  operations: OperationRecord[];
  /**
   * How many of the oldest operations were dropped (absent in files written before there was a
   * limit: none). Without it the history, which every transaction of a file-backed fabric reads
   * and writes whole, grew with every operation ever submitted.
   */
  prunedOperations?: number;
  /** Ids of operations still to run, in submission order. */
  pending: OperationId[];
  counters: Record<string, Partial<Record<OperationKind, OperationCount>>>;
  faults: FaultRecord[];
  nextFaultId: number;
  unreachable: string[];
  latency: LatencySettings;
}

/**
 * A copy of `world` that a transaction may change while the original stays as it was, without
 * copying everything: the code that changes a world replaces device states and counts rather
 * than changing them, and changes an operation record only while it is pending. So only the
 * containers and the pending records are copied, however long the history grows.
 */
export function draftWorld(world: SimulatedWorld): SimulatedWorld {
  const operations = [...world.operations];
  const pruned = world.prunedOperations ?? 0;
  for (const id of world.pending) {
    // An id counts the whole history, the array only what pruning kept.
    const index = Number(id.slice('op-'.length)) - 1 - pruned;
    const record = operations[index];
    if (record?.id === id) operations[index] = { ...record };
  }
  return {
    ...world,
    devices: { ...world.devices },
    operations,
    pending: [...world.pending],
    counters: Object.fromEntries(
      Object.entries(world.counters).map(([device, perKind]) => [device, { ...perKind }]),
    ),
    faults: world.faults.map((fault) => ({ ...fault })),
    unreachable: [...world.unreachable],
  };
}

export function createWorld(topology: FabricTopology, latency: LatencySettings): SimulatedWorld {
  return {
    format: 'loom-simulated-fabric',
    version: 1,
    topology,
    devices: Object.fromEntries(topology.devices.map((device) => [device.name, emptyDeviceState])),
    operations: [],
    pending: [],
    counters: {},
    faults: [],
    nextFaultId: 1,
    unreachable: [],
    latency,
  };
}

export function sequenceOf(record: OperationRecord): number {
  return Number(record.id.slice('op-'.length));
}

export function findRecord(world: SimulatedWorld, id: OperationId): OperationRecord | undefined {
  const match = /^op-([1-9]\d*)$/.exec(id);
  const record = match
    ? world.operations[Number(match[1]) - 1 - (world.prunedOperations ?? 0)]
    : undefined;
  return record?.id === id ? record : undefined;
}

/**
 * Operations kept: the idempotency-key table's reach. A key is repeated by the attempts of one
 * saga step, seconds apart (a device time-out is 10 s); 2,000 operations are half a minute of a
 * fabric at its busiest (about 70 operations/s from one file), far more in service. A key older
 * than that gets a new attempt, which finds its effect in place (every operation is an ensure)
 * and counts it unchanged. The limit also bounds the file: 2,000 records are about 760 KB, which
 * every transaction parses and writes (about 8 ms; 24 ms at 6,500 records).
 */
export const operationHistoryLimit = 2_000;

/**
 * Drops the oldest operations beyond `limit` that will not run again (a pending one stops the
 * drop; one that ran without replying, or never will, goes: its caller stopped waiting long ago).
 */
export function pruneHistory(world: SimulatedWorld, limit = operationHistoryLimit): void {
  let drop = 0;
  const excess = world.operations.length - limit;
  while (drop < excess) {
    const record = world.operations[drop];
    if (!record || record.dueAt !== null) break;
    drop += 1;
  }
  if (drop === 0) return;
  world.operations.splice(0, drop);
  world.prunedOperations = (world.prunedOperations ?? 0) + drop;
}

function count(
  world: SimulatedWorld,
  device: string,
  kind: OperationKind,
  field: keyof OperationCount,
): void {
  const perDevice = (world.counters[device] ??= {});
  const current = perDevice[kind] ?? { applied: 0, unchanged: 0, failed: 0 };
  perDevice[kind] = { ...current, [field]: current[field] + 1 };
}

function failure(
  reason: 'unknown-device' | 'unreachable' | 'injected' | 'reply-lost',
  message: string,
): OperationOutcome {
  return { status: 'failed', reason, message };
}

/** Runs one due operation against its device; the only place device state changes. */
function execute(world: SimulatedWorld, record: OperationRecord): void {
  const { device: name, operation } = record;
  record.dueAt = null;
  const device = findDevice(world.topology, name);
  if (!device) {
    record.outcome = failure('unknown-device', `device ${name} is not in the fabric topology`);
    return;
  }
  if (world.unreachable.includes(name)) {
    count(world, name, operation.kind, 'failed');
    record.outcome = failure('unreachable', `device ${name} is unreachable`);
    return;
  }
  if (record.fault === 'fail') {
    count(world, name, operation.kind, 'failed');
    record.outcome = failure(
      'injected',
      record.faultMessage ?? `injected failure of ${operation.kind} on ${name}`,
    );
    return;
  }
  const result = applyOperation(device, world.devices[name] ?? emptyDeviceState, operation);
  if (result.status === 'changed') {
    world.devices[name] = result.state;
    record.changedDevice = true;
  }
  count(world, name, operation.kind, result.status === 'changed' ? 'applied' : result.status);
  if (record.fault === 'lose-reply-time-out') {
    record.outcome = { status: 'running' };
  } else if (record.fault === 'lose-reply') {
    record.outcome = failure(
      'reply-lost',
      `no reply from ${name} to ${operation.kind}: its effect is unknown`,
    );
  } else if (result.status === 'failed') {
    record.outcome = { status: 'failed', reason: result.reason, message: result.message };
  } else {
    record.outcome = { status: 'succeeded', changed: result.status === 'changed' };
  }
}

/**
 * Runs every operation that is due, in due order. Devices run their jobs whether or not the
 * submitting process is still there: whichever process touches the fabric next runs them.
 */
export function settle(world: SimulatedWorld, now: number): void {
  const due = world.pending
    .map((id) => findRecord(world, id))
    .filter((record): record is OperationRecord => record?.dueAt != null && record.dueAt <= now)
    .sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0) || sequenceOf(a) - sequenceOf(b));
  for (const record of due) execute(world, record);
  world.pending = world.pending.filter((id) => findRecord(world, id)?.dueAt != null);
}

/** When the next pending operation runs, if any will. */
export function nextDueAt(world: SimulatedWorld): number | undefined {
  let next: number | undefined;
  for (const id of world.pending) {
    const dueAt = findRecord(world, id)?.dueAt;
    if (dueAt != null && (next === undefined || dueAt < next)) next = dueAt;
  }
  return next;
}

function latencyOf(world: SimulatedWorld, kind: OperationKind): number {
  return world.latency.byKind?.[kind] ?? world.latency.defaultMs;
}

/**
 * Records a submission, or finds the earlier one under the same idempotency key (see the
 * idempotency contract in libs/fabric/README.md): a key whose operation succeeded or still runs
 * answers with that operation; a key whose operation failed gets a new attempt under a new id.
 * A device runs its jobs in submission order, so a job is never due before an earlier one to the
 * same device.
 */
export function submit(
  world: SimulatedWorld,
  device: string,
  operation: FabricOperation,
  idempotencyKey: string,
  now: number,
  findKey: (key: string) => OperationRecord | undefined = (key) =>
    world.operations.findLast((record) => record.idempotencyKey === key),
): OperationId {
  const request = canonicalJson({ device, operation });
  const earlier = findKey(idempotencyKey);
  if (earlier) {
    if (canonicalJson({ device: earlier.device, operation: earlier.operation }) !== request) {
      throw new IdempotencyKeyConflictError(idempotencyKey, earlier.id);
    }
    if (earlier.outcome.status !== 'failed') return earlier.id;
  }
  const fault = faultFor(world.faults, device, operation.kind);
  const queuedUntil = world.pending
    .map((id) => findRecord(world, id))
    .filter((record) => record?.device === device)
    .reduce((latest, record) => Math.max(latest, record?.dueAt ?? 0), 0);
  const effect = fault?.spec.effect ?? null;
  const record: OperationRecord = {
    id: `op-${(world.prunedOperations ?? 0) + world.operations.length + 1}`,
    idempotencyKey,
    device,
    // A copy through JSON: what the caller holds can change, and the file stores JSON anyway.
    operation: JSON.parse(JSON.stringify(operation)) as FabricOperation,
    submittedAt: now,
    dueAt:
      effect === 'time-out' ? null : Math.max(now + latencyOf(world, operation.kind), queuedUntil),
    fault: effect,
    faultMessage: fault?.spec.message ?? null,
    outcome: { status: 'running' },
  };
  world.operations.push(record);
  if (record.dueAt !== null) world.pending.push(record.id);
  pruneHistory(world);
  return record.id;
}
