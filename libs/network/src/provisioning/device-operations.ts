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
 * Submits one operation and waits for its outcome. The key carries the attempt: an outcome is
 * remembered per key, so a new attempt after a refusal needs a new key; repeating an operation that
 * did take effect is harmless, because every operation converges the device to a state ("ensure"):
 * an identical VRF or binding is left unchanged, a missing one is not removed twice.
 */
export async function runDeviceOperation(
  driver: FabricDriver,
  device: string,
  operation: FabricOperation,
  idempotencyKey: string,
  attempt: number,
  timeoutMs: number,
): Promise<{ changed: boolean }> {
  const id = await driver.submit(device, operation, `${idempotencyKey}#${attempt}`);
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
