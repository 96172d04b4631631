import type { FabricDriver, FabricOperation, FailureReason } from '@loom/fabric';

/** A device refused an operation, or Loom cannot know whether it took effect. */
export class DeviceOperationError extends Error {
  constructor(
    readonly device: string,
    readonly operation: FabricOperation['kind'],
    readonly reason: FailureReason | 'timeout',
    message: string,
  ) {
    super(`${device}: ${operation} failed (${reason}): ${message}`);
    this.name = 'DeviceOperationError';
  }
}

/**
 * Submits one operation and waits for its outcome. The key names the effect and is the same for
 * every attempt (libs/fabric/README.md, "The idempotency-key contract"): a repeat of an operation
 * that took effect, or still runs, answers with it without a second effect; a repeat after a
 * failure runs it again, which is safe because every operation converges the device to a state
 * ("ensure"): an identical VRF or binding is left unchanged, a missing one is not removed twice.
 * `_attempt` is not part of the key; it stays in the signature until the callers stop passing it.
 */
export async function runDeviceOperation(
  driver: FabricDriver,
  device: string,
  operation: FabricOperation,
  idempotencyKey: string,
  _attempt: number,
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
