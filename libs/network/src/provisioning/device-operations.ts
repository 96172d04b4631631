import { LoomError, type ErrorKind } from '@loom/errors';
import type { FabricDriver, FabricOperation, FailureReason } from '@loom/fabric';

/** Why a device operation failed: the device's refusal reason, or no outcome in time. */
export type DeviceFailureReason = FailureReason | 'timeout';

/**
 * The error kind of a device operation's failure, recorded on the saga's failure events: a device
 * at its capacity is `resource-exhausted`; a device that could not be reached, did not answer in
 * time, failed part way or lost its reply is `unavailable` (trying again may work); the rest say
 * what in Loom's request or the device's state stood in the way.
 */
export function errorKindOfDeviceFailure(
  reason: DeviceFailureReason,
): Exclude<ErrorKind, 'internal'> {
  switch (reason) {
    case 'capacity':
      return 'resource-exhausted';
    case 'unreachable':
    case 'timeout':
    case 'rejected':
    case 'injected':
    case 'reply-lost':
      return 'unavailable';
    case 'invalid':
      return 'invalid-argument';
    case 'unknown-device':
      return 'not-found';
    case 'unsupported':
    case 'conflict':
    case 'not-found':
    case 'dependency':
      return 'failed-precondition';
    default: {
      const unknownReason: never = reason;
      return unknownReason;
    }
  }
}

/** A device refused an operation, or Loom cannot know whether it took effect. */
export class DeviceOperationError extends LoomError {
  readonly kind: Exclude<ErrorKind, 'internal'>;

  constructor(
    readonly device: string,
    readonly operation: FabricOperation['kind'],
    readonly reason: DeviceFailureReason,
    message: string,
  ) {
    super(`${device}: ${operation} failed (${reason}): ${message}`);
    this.kind = errorKindOfDeviceFailure(reason);
  }
}

/**
 * Submits one operation and waits for its outcome. The key names the effect and is the same for
 * every attempt (libs/fabric/README.md, "The idempotency-key contract"): a repeat of an operation
 * that took effect, or still runs, answers with it without a second effect; a repeat after a
 * failure runs it again, which is safe because every operation converges the device to a state
 * ("ensure"): an identical VRF or binding is left unchanged, a missing one is not removed twice.
 */
export async function runDeviceOperation(
  driver: FabricDriver,
  device: string,
  operation: FabricOperation,
  idempotencyKey: string,
  timeoutMs: number,
): Promise<{ changed: boolean }> {
  const id = await driver.submit(device, operation, idempotencyKey);
  const outcome = await driver.await(id, timeoutMs);
  switch (outcome.status) {
    case 'succeeded':
      return { changed: outcome.changed };
    case 'running':
      throw new DeviceOperationError(
        device,
        operation.kind,
        'timeout',
        `no outcome within ${timeoutMs} ms`,
      );
    case 'failed':
      throw new DeviceOperationError(device, operation.kind, outcome.reason, outcome.message);
  }
}
