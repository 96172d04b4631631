import { join } from 'node:path';
import {
  DeviceUnreachableError,
  IdempotencyKeyConflictError,
  UnknownDeviceError,
  UnknownOperationError,
} from '../errors';
import type { FabricDriver } from '../operations/fabric-driver';
import type { FabricOperation, OperationId } from '../operations/fabric-operation';
import type { OperationOutcome } from '../operations/operation-outcome';
import { readFileIfExists, writeFileAtomically } from '../simulated/atomic-file';
import { canonicalJson } from '../simulated/canonical-json';
import { applyOperation } from '../state/device-model';
import type { DeviceState } from '../state/fabric-state';
import { findDevice, type FabricTopology } from '../topology/topology';
import { fabricLabUp } from './fabric-lab';
import { applyToDevice, DeviceChangeError } from './frr-device-apply';
import { readDeviceState } from './frr-device-state';
import type { LabDevice, LabManifest } from './lab-layout';
import { sleep } from './run-command';

export interface FrrFabricOptions {
  readonly topology: FabricTopology;
  /** The lab's directory; the lab is built there when it is not up. */
  readonly labDir: string;
}

/**
 * One submitted operation (one attempt under its idempotency key) and its outcome, kept in the
 * lab dir. The key table points at each key's latest attempt.
 */
interface OperationRecord {
  readonly id: OperationId;
  readonly idempotencyKey: string;
  readonly device: string;
  readonly operation: FabricOperation;
  outcome: OperationOutcome;
}

const journalFile = 'operations.json';

/**
 * The FabricDriver on a real FRRouting lab (see fabric-lab.ts): each leaf is a namespace with
 * zebra and bgpd, configured with iproute2 and vtysh and read back from them. The device model
 * the simulator uses decides what an operation means on the leaf's actual state (conflicts,
 * capacity, dependencies, "already done"), so both drivers answer alike; this one then makes the
 * change on the leaf. Operations on one leaf run one after another, in submission order.
 */
export class FrrFabric implements FabricDriver {
  private readonly records = new Map<OperationId, OperationRecord>();
  private readonly byKey = new Map<string, OperationRecord>();
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    readonly topology: FabricTopology,
    readonly manifest: LabManifest,
  ) {}

  static async open(options: FrrFabricOptions): Promise<FrrFabric> {
    const manifest = await fabricLabUp(options.topology, options.labDir);
    const fabric = new FrrFabric(options.topology, manifest);
    const journal = readFileIfExists(join(manifest.labDir, journalFile));
    for (const record of journal ? (JSON.parse(journal) as OperationRecord[]) : []) {
      fabric.records.set(record.id, record);
      fabric.byKey.set(record.idempotencyKey, record);
    }
    // An operation the previous process did not finish runs again: operations converge.
    for (const record of fabric.records.values()) {
      if (record.outcome.status === 'running') fabric.schedule(record);
    }
    return fabric;
  }

  private save(): void {
    writeFileAtomically(
      join(this.manifest.labDir, journalFile),
      JSON.stringify([...this.records.values()]),
    );
  }

  /** Runs `work` after everything queued on `device`. */
  private enqueue<T>(device: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(device) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(
      device,
      next.catch(() => undefined),
    );
    return next;
  }

  private labDevice(name: string): LabDevice | undefined {
    return this.manifest.devices.find((device) => device.name === name);
  }

  private schedule(record: OperationRecord): void {
    void this.enqueue(record.device, async () => {
      record.outcome = await this.execute(record.device, record.operation);
      this.save();
    });
  }

  private async execute(name: string, operation: FabricOperation): Promise<OperationOutcome> {
    const device = findDevice(this.topology, name);
    if (!device) {
      return {
        status: 'failed',
        reason: 'unknown-device',
        message: `device ${name} is not in the fabric topology`,
      };
    }
    const lab = this.labDevice(name);
    let before: DeviceState;
    try {
      if (!lab) throw new Error('not in the lab');
      before = await readDeviceState(this.manifest, lab);
    } catch (error) {
      // Spines are not in the lab: the device model refuses them as it would anywhere.
      const refused = applyOperation(device, { vrfs: [], l2Vnis: [], prefixes: [] }, operation);
      if (refused.status === 'failed' && refused.reason === 'unsupported') {
        return { status: 'failed', reason: refused.reason, message: refused.message };
      }
      return {
        status: 'failed',
        reason: 'unreachable',
        message: `device ${name} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const result = applyOperation(device, before, operation);
    if (result.status === 'failed') return result;
    if (result.status === 'unchanged') return { status: 'succeeded', changed: false };
    try {
      await applyToDevice(this.manifest, lab, before, result.state, operation);
    } catch (error) {
      if (
        error instanceof DeviceChangeError &&
        error.rolledBack &&
        (await this.isUnchanged(lab, before))
      ) {
        return {
          status: 'failed',
          reason: 'rejected',
          message: `${name} rejected ${operation.kind}, which was taken back: ${error.message}`,
        };
      }
      return {
        status: 'failed',
        reason: 'reply-lost',
        message: `${operation.kind} on ${name} failed part way, its effect is unknown: ${
          error instanceof Error ? error.message : String(error)
        }`,
      };
    }
    return { status: 'succeeded', changed: true };
  }

  /** Whether the leaf reads back as `before` (after an operation failed and was taken back). */
  private async isUnchanged(lab: LabDevice, before: DeviceState): Promise<boolean> {
    try {
      return canonicalJson(await readDeviceState(this.manifest, lab)) === canonicalJson(before);
    } catch {
      return false;
    }
  }

  submit(device: string, operation: FabricOperation, idempotencyKey: string): Promise<OperationId> {
    const earlier = this.byKey.get(idempotencyKey);
    if (earlier) {
      const same =
        canonicalJson({ device: earlier.device, operation: earlier.operation }) ===
        canonicalJson({ device, operation });
      if (!same) return Promise.reject(new IdempotencyKeyConflictError(idempotencyKey, earlier.id));
      // A failed attempt left the device as it was (or in an unknown state that running again
      // converges): the repeat is a new attempt. Anything else answers with the same operation.
      if (earlier.outcome.status !== 'failed') return Promise.resolve(earlier.id);
    }
    const record: OperationRecord = {
      id: `op-${this.records.size + 1}`,
      idempotencyKey,
      device,
      operation: JSON.parse(JSON.stringify(operation)) as FabricOperation,
      outcome: { status: 'running' },
    };
    this.records.set(record.id, record);
    this.byKey.set(idempotencyKey, record);
    this.save();
    this.schedule(record);
    return Promise.resolve(record.id);
  }

  poll(operationId: OperationId): Promise<OperationOutcome> {
    const record = this.records.get(operationId);
    if (!record) return Promise.reject(new UnknownOperationError(operationId));
    return Promise.resolve(structuredClone(record.outcome));
  }

  async await(operationId: OperationId, timeoutMs: number): Promise<OperationOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const outcome = await this.poll(operationId);
      if (outcome.status !== 'running' || Date.now() >= deadline) return outcome;
      await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
  }

  readState(device: string): Promise<DeviceState> {
    if (!findDevice(this.topology, device)) return Promise.reject(new UnknownDeviceError(device));
    const lab = this.labDevice(device);
    if (!lab) return Promise.reject(new DeviceUnreachableError(device));
    return this.enqueue(device, async () => {
      try {
        return await readDeviceState(this.manifest, lab);
      } catch {
        throw new DeviceUnreachableError(device);
      }
    });
  }
}

export function openFrrFabric(options: FrrFabricOptions): Promise<FrrFabric> {
  return FrrFabric.open(options);
}
