import type { DeviceState } from '../state/fabric-state';
import type { FabricOperation, OperationId } from './fabric-operation';
import type { OperationOutcome } from './operation-outcome';

/**
 * The port sagas drive devices through. Like a Netconf job: `submit` hands the operation over
 * and returns at once; the outcome is fetched later with `poll` or `await`. What an idempotency
 * key promises is written once, in libs/fabric/README.md ("The idempotency-key contract"), and
 * every driver runs describeFabricDriverContract (`@loom/fabric/testing`).
 */
export interface FabricDriver {
  /**
   * Submits `operation` to `device` under `idempotencyKey`, which names the effect and stays the
   * same for every attempt. A key whose operation succeeded or still runs answers with that
   * operation's id, with no second effect; a key whose operation failed runs it again as a new
   * attempt (a new id); a key reused for a different device or operation is an
   * IdempotencyKeyConflictError. A refused operation is not a rejection here: it is a failed
   * outcome.
   */
  submit(device: string, operation: FabricOperation, idempotencyKey: string): Promise<OperationId>;

  /** The outcome now, without waiting. Rejects with UnknownOperationError for a foreign id. */
  poll(operationId: OperationId): Promise<OperationOutcome>;

  /** Waits up to `timeoutMs` for the operation to finish; `running` means it did not in time. */
  await(operationId: OperationId, timeoutMs: number): Promise<OperationOutcome>;

  /**
   * The device's actual configuration, in the same shape as the intent so the two compare with
   * diffFabric. Rejects with UnknownDeviceError or DeviceUnreachableError.
   */
  readState(device: string): Promise<DeviceState>;
}
