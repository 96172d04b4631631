import type { DeviceState } from '../state/fabric-state';
import type { FabricOperation, OperationId } from './fabric-operation';
import type { OperationOutcome } from './operation-outcome';

/**
 * The port sagas drive devices through. Like a Netconf job: `submit` hands the operation over
 * and returns at once; the outcome is fetched later with `poll` or `await`.
 */
export interface FabricDriver {
  /**
   * Submits `operation` to `device`. The same idempotency key always maps to the same operation
   * id (and so the same outcome), and the operation is applied at most once, whoever resubmits
   * it; a key reused for a different request is an IdempotencyKeyConflictError. A refused
   * operation is not a rejection here: it is a failed outcome.
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
